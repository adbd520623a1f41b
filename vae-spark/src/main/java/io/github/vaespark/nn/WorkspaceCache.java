package io.github.vaespark.nn;

/**
 * One reusable workspace per thread, so that repeated calls on an executor thread (steps,
 * transform batches) do not reallocate buffers. A thread keeps only its most recent workspace.
 */
public final class WorkspaceCache {
    private static final ThreadLocal<Workspace<?>> CURRENT = new ThreadLocal<>();

    private WorkspaceCache() {
    }

    /** This thread's workspace for the network and capacity, allocated on first use. */
    @SuppressWarnings("unchecked")
    public static <A> Workspace<A> forCurrentThread(VaeNetwork<A> network, int capacity) {
        Workspace<?> ws = CURRENT.get();
        // A workspace needs the kernels only for its arrays and views: kernels whose arrays are
        // alike share it (float32 and bfloat16 both keep float[]; the per-task kernels that keep a
        // model's weights rounded).
        if (ws == null || ws.capacity() != capacity
                || ws.kernels().precision().storage() != network.kernels().precision().storage()
                || !ws.layout().equals(network.layout())) {
            ws = network.newWorkspace(capacity);
            CURRENT.set(ws);
        }
        return (Workspace<A>) ws;
    }
}
