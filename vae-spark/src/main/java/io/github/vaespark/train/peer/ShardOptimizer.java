package io.github.vaespark.train.peer;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.train.GradientApplier;
import java.util.Arrays;

/**
 * A task's part of the optimiser in the peer exchange: the exact weights and Adam state of its
 * shard, updated from the tasks' gradient pieces with the arithmetic the driver uses for the
 * whole vector ({@link GradientApplier#updateRange}), so the weights are bit-identical to the
 * other exchanges'.
 */
final class ShardOptimizer<A> {
    /** Elements updated at a time, so that the mean gradient's scratch stays in cache. */
    private static final int PIECE = 1 << 14;

    private final Kernels<A> kernels;
    private final double[] params;
    private final Adam adam;
    private final double[] scratch;
    private final A published;

    ShardOptimizer(Kernels<A> kernels, EpochStart start, int from, int to, double learningRate) {
        this.kernels = kernels;
        this.params = Arrays.copyOfRange(start.params(), from, to);
        this.adam = new Adam(learningRate, Arrays.copyOfRange(start.firstMoment(), from, to),
                Arrays.copyOfRange(start.secondMoment(), from, to), start.adamStep());
        this.scratch = new double[to - from];
        this.published = kernels.allocate(to - from);
    }

    /**
     * One step: the mean gradient is the sum of {@code pieces} (each the shard's range of one
     * task's gradient sum, in partition order; null for a task without rows in the step) times
     * {@code scale}.
     *
     * @return whether the shard's gradient was finite
     */
    boolean update(A[] pieces, double scale) {
        adam.beginStep();
        boolean finite = true;
        for (int a = 0; a < params.length; a += PIECE) {
            int b = Math.min(params.length, a + PIECE);
            finite &= GradientApplier.updateRange(kernels, pieces, scratch, params, adam, a, b, scale, published);
        }
        return finite;
    }

    /** The shard's weights in the training width after the last update. */
    A published() {
        return published;
    }

    double[] params() {
        return params;
    }

    Adam adam() {
        return adam;
    }
}
