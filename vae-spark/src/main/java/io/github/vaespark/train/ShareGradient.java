package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.BackwardListener;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.LossSums;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Executor side of one step for one partition: take the step's share of the partition's shuffled
 * rows, run forward and backward passes in chunks with GEMM, and leave the summed gradient in the
 * thread's {@link ExecutorBuffers}. Row r of the training data always gets noise
 * ε = f(noise seed, epoch, r), so the sum does not depend on how rows are split.
 */
final class ShareGradient {
    /** Rows a thread should at least get before a task splits its share across threads. */
    private static final int MIN_ROWS_PER_THREAD = 64;

    /**
     * The outcome: the gradient sum (the buffers' gradient array, or null when the partition has no
     * rows in this step), the loss sums, and the computation time.
     */
    record Result<A>(A gradient, LossSums loss, long nanos) {
    }

    /** One thread's part of the share: its gradient buffer and loss sums. */
    private record Slice<A>(A gradient, LossSums loss) {
    }

    private ShareGradient() {
    }

    /**
     * The gradient of this partition's share of {@code step}, split over {@code threads} threads
     * when Spark gave the task several CPUs (spark.task.cpus); the threads' sums are added in
     * thread order.
     *
     * @param main     this thread's buffers; the result is left in {@code main.gradient}
     * @param listener told, during the last chunk's backward pass of a single-threaded share, which
     *                 tail of the gradient is final; may be null
     */
    static <A> Result<A> compute(GradientSetup setup, ExecutorBuffers<A> main, A weights, PartitionData rows,
                                 int partition, int epoch, int step, double beta, int threads,
                                 BackwardListener listener) {
        long start = System.nanoTime();
        BatchPlan plan = setup.plan();
        int begin = plan.begin(partition, step);
        int end = plan.end(partition, step);
        if (end == begin) {
            return new Result<>(null, new LossSums(), System.nanoTime() - start);
        }
        Kernels<A> kernels = main.network.kernels();
        int[] perm = Permutations.of(setup.seed(), epoch, partition, rows.rows());
        long keyBase = setup.partitionOffsets()[partition];
        int parts = Math.max(1, Math.min(threads, (end - begin) / MIN_ROWS_PER_THREAD));
        List<Future<Slice<A>>> others = new ArrayList<>();
        for (int t = 1; t < parts; t++) {
            int from = begin + (int) ((long) t * (end - begin) / parts);
            int to = begin + (int) ((long) (t + 1) * (end - begin) / parts);
            others.add(ComputeThreads.submit(parts - 1, () -> {
                ExecutorBuffers<A> b = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
                return new Slice<>(b.gradient, accumulate(setup, b, weights, rows, perm, from, to, keyBase, epoch,
                        beta, null));
            }));
        }
        int firstEnd = begin + (end - begin) / parts;
        LossSums sums = accumulate(setup, main, weights, rows, perm, begin, firstEnd, keyBase, epoch, beta,
                parts == 1 ? listener : null);
        for (Future<Slice<A>> f : others) {
            Slice<A> slice = ComputeThreads.await(f);
            kernels.accumulate(slice.gradient(), main.gradient);
            sums.add(slice.loss());
        }
        return new Result<>(main.gradient, sums, System.nanoTime() - start);
    }

    /** Sets the buffers' gradient to the gradient sum of positions [from, to) of the permutation. */
    private static <A> LossSums accumulate(GradientSetup setup, ExecutorBuffers<A> buffers, A weights,
                                           PartitionData rows, int[] perm, int from, int to, long keyBase, int epoch,
                                           double beta, BackwardListener lastChunkListener) {
        Kernels<A> kernels = buffers.network.kernels();
        kernels.zero(buffers.gradient);
        long noiseSeed = noiseSeed(setup.seed(), epoch);
        LossSums sums = new LossSums();
        for (int chunk = from; chunk < to; chunk += setup.capacity()) {
            int n = Math.min(setup.capacity(), to - chunk);
            DenseMatrix<?> x = rows.load(kernels, buffers.workspace, perm, chunk, n, noiseSeed, keyBase,
                    buffers.noiseScratch);
            BackwardListener listener = chunk + n == to ? lastChunkListener : null;
            sums.add(buffers.network.accumulateGradient(weights, x, buffers.workspace, beta, buffers.gradient,
                    listener));
        }
        return sums;
    }

    /** The seed of the noise stream of one epoch. */
    static long noiseSeed(long seed, int epoch) {
        return LatentNoise.mix(seed ^ 0x5DEECE66DL, epoch);
    }
}
