package io.github.vaespark.train.peer;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.train.GradientApplier;
import io.github.vaespark.train.GradientRounding;

/**
 * A task's part of the optimiser in the peer exchange: the exact weights and Adam state of its
 * shard, updated from the tasks' gradient pieces with the arithmetic the driver uses for the
 * whole vector ({@link GradientApplier#updateRange}), so the weights are bit-identical to the
 * other exchanges'.
 */
final class ShardOptimizer<A> {
    private final Kernels<A> kernels;
    private final double[] params;
    private final Adam adam;
    private final double[] scratch;
    private final A published;

    /**
     * An optimiser that updates {@code start} in place. It adds the pieces as they are: with
     * exchangePrecision=bfloat16 the mesh delivers them already rounded ({@link PeerMesh}).
     */
    ShardOptimizer(Kernels<A> kernels, ShardState start, double learningRate) {
        this.kernels = kernels;
        this.params = start.params();
        this.adam = new Adam(learningRate, start.firstMoment(), start.secondMoment(), start.adamStep());
        this.scratch = new double[params.length];
        this.published = kernels.allocate(params.length);
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
        for (int a = 0; a < params.length; a += GradientApplier.PIECE) {
            int b = Math.min(params.length, a + GradientApplier.PIECE);
            finite &= GradientApplier.updateRange(kernels, pieces, scratch, params, adam, a, b, scale, published,
                    GradientRounding.NONE);
        }
        return finite;
    }

    /** The shard's weights in the training width after the last update. */
    A published() {
        return published;
    }

    /** The shard's state after the last update. */
    ShardState state() {
        return new ShardState(params, adam.firstMoment(), adam.secondMoment(), adam.step());
    }
}
