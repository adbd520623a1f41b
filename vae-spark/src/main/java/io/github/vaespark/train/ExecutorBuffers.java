package io.github.vaespark.train;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.nn.WorkspaceCache;

/**
 * Per-thread buffers reused across the steps of a fit on an executor: a workspace, a gradient
 * array and, for tasks that decode broadcast weights, a weights array (allocated on first use). A task's result is serialised by its own thread before that thread runs another task,
 * so handing out the same gradient array every step is safe.
 */
final class ExecutorBuffers<A> {
    private static final ThreadLocal<Object> GRADIENT = new ThreadLocal<>();
    private static final ThreadLocal<Object> WEIGHTS = new ThreadLocal<>();

    final VaeNetwork<A> network;
    final Workspace<A> workspace;
    final A gradient;
    final double[] noiseScratch;
    private final Kernels<A> kernels;
    private final int numParams;

    private ExecutorBuffers(VaeLayout layout, Kernels<A> kernels, int capacity) {
        this.network = new VaeNetwork<>(layout, kernels);
        this.workspace = WorkspaceCache.forCurrentThread(network, capacity);
        this.gradient = reuse(GRADIENT, kernels, layout.numParams());
        this.kernels = kernels;
        this.numParams = layout.numParams();
        this.noiseScratch = new double[layout.latentDim()];
    }

    /** This thread's array for decoded weights. */
    A weights() {
        return reuse(WEIGHTS, kernels, numParams);
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
    static <A> ExecutorBuffers<A> get(VaeLayout layout, Kernels<A> kernels, int capacity) {
        NativeBlas.ensureLoaded();
        return new ExecutorBuffers<>(layout, kernels, capacity);
    }
}
