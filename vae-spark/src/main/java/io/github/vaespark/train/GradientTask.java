package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The work of one partition in one synchronous step: take this step's share of the partition's
 * shuffled rows, run forward and backward passes in chunks with GEMM, and return the summed
 * gradient. Row r of the training data always gets noise ε = f(noise seed, epoch, r).
 */
final class GradientTask extends AbstractFunction2<TaskContext, Iterator<PartitionData>, PartialGradient>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fixed per fit. */
    record Setup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                 int capacity) implements Serializable {
    }

    private final Setup setup;
    private final Broadcast<byte[]> params;
    private final int epoch;
    private final int step;
    private final double beta;

    GradientTask(Setup setup, Broadcast<byte[]> params, int epoch, int step, double beta) {
        this.setup = setup;
        this.params = params;
        this.epoch = epoch;
        this.step = step;
        this.beta = beta;
    }

    @Override
    public PartialGradient apply(TaskContext context, Iterator<PartitionData> data) {
        int partition = context.partitionId();
        PartitionData rows = data.next();
        TaskFaults.beforeStep(epoch, step, partition, context.attemptNumber());
        return compute(setup.precision().kernels(), partition, rows);
    }

    private <A> PartialGradient compute(Kernels<A> kernels, int partition, PartitionData rows) {
        long start = System.nanoTime();
        BatchPlan plan = setup.plan();
        int begin = plan.begin(partition, step);
        int end = plan.end(partition, step);
        if (end == begin) {
            return new PartialGradient(null, new LossSums(), 0);
        }
        ExecutorBuffers<A> buffers = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
        A weights = buffers.weights;
        kernels.fromBytes(params.value(), weights);
        kernels.zero(buffers.gradient);
        int[] perm = Permutations.of(setup.seed(), epoch, partition, rows.rows());
        long noiseSeed = noiseSeed(setup.seed(), epoch);
        long keyBase = setup.partitionOffsets()[partition];
        LossSums sums = new LossSums();
        for (int from = begin; from < end; from += setup.capacity()) {
            int n = Math.min(setup.capacity(), end - from);
            DenseMatrix<?> x = buffers.workspace.input(n);
            DenseMatrix<?> eps = buffers.workspace.epsilon(n);
            for (int j = 0; j < n; j++) {
                int row = perm[from + j];
                rows.copyRow(kernels, row, x, j);
                LatentNoise.fillColumn(kernels, eps, j, noiseSeed, keyBase + row, buffers.noiseScratch);
            }
            sums.add(buffers.network.accumulateGradient(weights, x, buffers.workspace, beta, buffers.gradient));
        }
        return new PartialGradient(buffers.gradient, sums, System.nanoTime() - start);
    }

    /** The seed of the noise stream of one epoch. */
    static long noiseSeed(long seed, int epoch) {
        return LatentNoise.mix(seed ^ 0x5DEECE66DL, epoch);
    }
}
