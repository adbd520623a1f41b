package io.github.vaespark.train;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.nn.WorkspaceCache;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffers a task thread reuses across the steps of a fit on an executor: a workspace, the gradient
 * array it ships, a weights array for tasks that decode broadcasts, and the {@link ChunkSlot}s of
 * its share's row chunks. All of them belong to the task thread (thread-locals of that thread):
 * a Spark task thread runs one task at a time and a task's result is serialised by its own thread
 * before that thread runs another task, so handing out the same arrays every step is safe. Helper
 * threads never own buffers: they work in the slots of the task that gave them the work.
 */
public final class ExecutorBuffers<A> {
    private static final ThreadLocal<Object> GRADIENT = new ThreadLocal<>();
    private static final ThreadLocal<Object> WEIGHTS = new ThreadLocal<>();
    private static final ThreadLocal<List<ChunkSlot<?>>> SLOTS = ThreadLocal.withInitial(ArrayList::new);

    final VaeNetwork<A> network;
    final Workspace<A> workspace;
    public final A gradient;
    final double[] noiseScratch;
    private final Kernels<A> kernels;
    private final int numParams;
    private final int capacity;
    private final List<ChunkSlot<?>> slots;

    private ExecutorBuffers(VaeLayout layout, Kernels<A> kernels, int capacity) {
        this.network = new VaeNetwork<>(layout, kernels);
        this.workspace = WorkspaceCache.forCurrentThread(network, capacity);
        this.gradient = reuse(GRADIENT, kernels, layout.numParams());
        this.kernels = kernels;
        this.numParams = layout.numParams();
        this.capacity = capacity;
        this.noiseScratch = new double[layout.latentDim()];
        this.slots = SLOTS.get();
    }

    /** This thread's array for decoded weights. */
    public A weights() {
        return reuse(WEIGHTS, kernels, numParams);
    }

    /**
     * Slot {@code i} of this task: a workspace and a gradient array of its own, in which one row
     * chunk is computed (by this thread or a helper thread working for this task).
     */
    @SuppressWarnings("unchecked")
    ChunkSlot<A> slot(int i) {
        while (slots.size() <= i) {
            slots.add(null);
        }
        ChunkSlot<?> s = slots.get(i);
        if (s == null || !s.fits(network, capacity)) {
            s = new ChunkSlot<>(network, capacity);
            slots.set(i, s);
        }
        return (ChunkSlot<A>) s;
    }

    @SuppressWarnings("unchecked")
    private static <A> A reuse(ThreadLocal<Object> slot, Kernels<A> kernels, int length) {
        Object a = slot.get();
        if (a == null || a.getClass() != kernels.allocate(0).getClass() || kernels.length((A) a) != length) {
            a = kernels.allocate(length);
            slot.set(a);
        }
        return (A) a;
    }

    /** This thread's buffers for the layout, precision and capacity. */
    public static <A> ExecutorBuffers<A> get(VaeLayout layout, Kernels<A> kernels, int capacity) {
        NativeBlas.ensureLoaded();
        return new ExecutorBuffers<>(layout, kernels, capacity);
    }
}
