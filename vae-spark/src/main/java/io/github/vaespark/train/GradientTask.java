package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
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
        if (LOGGED_BLAS.compareAndSet(false, true)) {
            LOG.info("vae-spark: executor BLAS {}", dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
        }
        PartitionData rows = data.next();
        TaskFaults.beforeStep(epoch, step, partition, context.attemptNumber());
        return compute(partition, rows, Math.max(1, context.cpus()));
    }

    /** The partial gradient of one partition, computed with {@code threads} threads. */
    PartialGradient compute(int partition, PartitionData rows, int threads) {
        return compute(setup.precision().kernels(), partition, rows, threads);
    }

    /** Rows a thread should at least get before a task splits its share across threads. */
    private static final int MIN_ROWS_PER_THREAD = 64;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GradientTask.class);
    private static final java.util.concurrent.atomic.AtomicBoolean LOGGED_BLAS = new java.util.concurrent.atomic.AtomicBoolean();

    /** One thread's part of the share: its gradient buffer and loss sums. */
    private record Slice<A>(A gradient, LossSums loss) {
    }

    /**
     * The gradient of this partition's share, split over {@code threads} threads when Spark gave
     * the task several CPUs (spark.task.cpus); the threads' sums are added in thread order.
     */
    private <A> PartialGradient compute(Kernels<A> kernels, int partition, PartitionData rows, int threads) {
        long start = System.nanoTime();
        BatchPlan plan = setup.plan();
        int begin = plan.begin(partition, step);
        int end = plan.end(partition, step);
        if (end == begin) {
            return new PartialGradient(null, new LossSums(), 0);
        }
        ExecutorBuffers<A> main = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
        A weights = main.weights;
        kernels.fromBytes(params.value(), weights);
        int[] perm = Permutations.of(setup.seed(), epoch, partition, rows.rows());
        long keyBase = setup.partitionOffsets()[partition];
        int parts = Math.max(1, Math.min(threads, (end - begin) / MIN_ROWS_PER_THREAD));
        List<Future<Slice<A>>> others = new ArrayList<>();
        for (int t = 1; t < parts; t++) {
            int from = begin + (int) ((long) t * (end - begin) / parts);
            int to = begin + (int) ((long) (t + 1) * (end - begin) / parts);
            others.add(ComputeThreads.submit(parts - 1, () -> {
                ExecutorBuffers<A> b = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
                return new Slice<>(b.gradient, accumulate(kernels, b, weights, rows, perm, from, to, keyBase));
            }));
        }
        int firstEnd = begin + (end - begin) / parts;
        LossSums sums = accumulate(kernels, main, weights, rows, perm, begin, firstEnd, keyBase);
        for (Future<Slice<A>> f : others) {
            Slice<A> slice = ComputeThreads.await(f);
            kernels.accumulate(slice.gradient(), main.gradient);
            sums.add(slice.loss());
        }
        return new PartialGradient(main.gradient, sums, System.nanoTime() - start);
    }

    /** Sets the buffers' gradient to the gradient sum of positions [from, to) of the permutation. */
    private <A> LossSums accumulate(Kernels<A> kernels, ExecutorBuffers<A> buffers, A weights, PartitionData rows,
                                    int[] perm, int from, int to, long keyBase) {
        kernels.zero(buffers.gradient);
        long noiseSeed = noiseSeed(setup.seed(), epoch);
        LossSums sums = new LossSums();
        for (int chunk = from; chunk < to; chunk += setup.capacity()) {
            int n = Math.min(setup.capacity(), to - chunk);
            DenseMatrix<?> x = rows.load(kernels, buffers.workspace, perm, chunk, n, noiseSeed, keyBase,
                    buffers.noiseScratch);
            sums.add(buffers.network.accumulateGradient(weights, x, buffers.workspace, beta, buffers.gradient));
        }
        return sums;
    }

    /** The seed of the noise stream of one epoch. */
    static long noiseSeed(long seed, int epoch) {
        return LatentNoise.mix(seed ^ 0x5DEECE66DL, epoch);
    }
}
