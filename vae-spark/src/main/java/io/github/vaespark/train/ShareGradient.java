package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.BackwardListener;
import io.github.vaespark.nn.CellMasking;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Executor side of one step for one partition: take the step's share of the partition's shuffled
 * rows, run forward and backward passes in chunks with GEMM, and leave the summed gradient in the
 * task's {@link ExecutorBuffers}. Row r of the training data always gets noise
 * ε = f(noise seed, epoch, r), so the sum does not depend on how rows are split.
 *
 * <p>The share is cut into fixed chunks of {@code capacity} rows. Each chunk's gradient is
 * computed on its own and the chunks are added in chunk order, so the result has the same bits
 * whatever number of threads (spark.task.cpus) computes the chunks.
 */
public final class ShareGradient {

    /**
     * The outcome: the gradient sum (the buffers' gradient array, or null when the partition has no
     * rows in this step), the loss sums, and the computation time.
     */
    public record Result<A>(A gradient, LossSums loss, long nanos) {
    }

    /** What every chunk of one share needs. */
    private record Share<A>(GradientSetup setup, A weights, PartitionData rows, int[] perm, long keyBase,
                            long noiseSeed, double beta, CellMasking masking, long maskSeed) {
    }

    private ShareGradient() {
    }

    /**
     * The gradient of this partition's share of {@code step}; with {@code threads} &gt; 1 (Spark gave
     * the task several CPUs) the chunks run on that many threads at once.
     *
     * @param main     this task's buffers; the result is left in {@code main.gradient}
     * @param listener told, during the last chunk's backward pass, which tail of the summed
     *                 gradient is final; may be null
     */
    public static <A> Result<A> compute(GradientSetup setup, ExecutorBuffers<A> main, A weights, PartitionData rows,
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
        Share<A> share = new Share<>(setup, weights, rows, Permutations.of(setup.seed(), epoch, partition, rows.rows()),
                setup.partitionOffsets()[partition], noiseSeed(setup.seed(), epoch), beta, setup.masking(),
                maskSeed(setup.seed(), epoch));
        int chunkRows = setup.capacity();
        int chunks = (end - begin + chunkRows - 1) / chunkRows;
        if (chunks == 1) {
            LossSums sums = chunk(share, main.network, main.workspace, main.noiseScratch, main.gradient, begin, end,
                    listener);
            return new Result<>(main.gradient, sums, System.nanoTime() - start);
        }
        kernels.zero(main.gradient);  // the chunks' gradients are added to it
        int width = Math.max(1, Math.min(threads, chunks));
        LossSums sums = new LossSums();
        for (int first = 0; first < chunks; first += width) {
            int last = Math.min(chunks, first + width) - 1;
            Round<A> round = new Round<>(main, sums);
            try {
                for (int c = first; c < last; c++) {
                    ChunkSlot<A> slot = main.slot(c - first + 1);
                    int from = begin + c * chunkRows;
                    int to = Math.min(end, from + chunkRows);
                    round.slots.add(slot);
                    round.helpers.add(ComputeThreads.submit(() -> chunk(share, slot.network, slot.workspace,
                            slot.noiseScratch, slot.gradient, from, to, null)));
                }
                ChunkSlot<A> own = main.slot(0);
                int from = begin + last * chunkRows;
                int to = Math.min(end, from + chunkRows);
                BackwardListener ordered = last == chunks - 1 && listener != null
                        ? round.addingTails(own.gradient, listener) : null;
                LossSums ownSums = chunk(share, own.network, own.workspace, own.noiseScratch, own.gradient, from, to,
                        ordered);
                round.addHelpers();
                round.addTail(own.gradient, 0);
                sums.add(ownSums);
            } catch (RuntimeException | Error e) {
                round.drainQuietly();
                throw e;
            }
        }
        return new Result<>(main.gradient, sums, System.nanoTime() - start);
    }

    /**
     * One round of chunks: the helpers' chunks are added to the sum in chunk order, then this
     * thread's chunk (the round's last), possibly segment by segment as its backward pass
     * finishes them.
     */
    private static final class Round<A> {
        final List<Future<LossSums>> helpers = new ArrayList<>();
        final List<ChunkSlot<A>> slots = new ArrayList<>();
        private final ExecutorBuffers<A> main;
        private final LossSums sums;
        private boolean helpersAdded;
        private int added = Integer.MAX_VALUE;

        Round(ExecutorBuffers<A> main, LossSums sums) {
            this.main = main;
            this.sums = sums;
        }

        /** Waits for the helpers' chunks and adds them in chunk order (once). */
        void addHelpers() {
            if (helpersAdded) {
                return;
            }
            helpersAdded = true;
            Kernels<A> kernels = main.network.kernels();
            for (int i = 0; i < helpers.size(); i++) {
                sums.add(ComputeThreads.await(helpers.get(i)));
                A g = slots.get(i).gradient;
                kernels.accumulate(g, main.gradient, 0, kernels.length(g));
            }
        }

        /** Adds {@code own[from, end of what was added)} to the sum. */
        void addTail(A own, int from) {
            int to = Math.min(added, main.network.kernels().length(own));
            if (from < to) {
                main.network.kernels().accumulate(own, main.gradient, from, to);
                added = from;
            }
        }

        /** A listener that completes the sum's tail as the own chunk's tail is final, then tells {@code next}. */
        BackwardListener addingTails(A own, BackwardListener next) {
            return from -> {
                addHelpers();
                addTail(own, from);
                next.tailDone(from);
            };
        }

        /** After a failure: lets running helpers finish, so that no helper still writes a slot. */
        void drainQuietly() {
            for (Future<LossSums> f : helpers) {
                try {
                    f.get();
                } catch (Exception | Error ignored) {
                    // the first failure is the one reported
                }
            }
        }
    }

    /**
     * The gradient sum of permutation positions [from, to) (at most the capacity) written into
     * {@code gradient}, whatever it held ({@link VaeNetwork#gradientInto}).
     */
    private static <A> LossSums chunk(Share<A> share, VaeNetwork<A> network, Workspace<A> ws, double[] noiseScratch,
                                      A gradient, int from, int to, BackwardListener listener) {
        Kernels<A> kernels = network.kernels();
        DenseMatrix<?> x = share.rows().load(kernels, ws, share.perm(), from, to - from, share.noiseSeed(),
                share.keyBase(), noiseScratch);
        DenseMatrix<?> encoderInput = x;
        if (share.masking() != null) {
            long[] keys = new long[to - from];
            for (int j = 0; j < keys.length; j++) {
                keys[j] = share.keyBase() + PartitionData.rowAt(share.perm(), from + j);
            }
            encoderInput = ws.maskedInput(keys.length);
            share.masking().apply(kernels, x, encoderInput, share.maskSeed(), keys, new double[x.rows()]);
        }
        return network.gradientInto(share.weights(), x, encoderInput, ws, share.beta(), gradient, listener);
    }

    /** The seed of the cell masks of one epoch ({@link CellMasking}). */
    static long maskSeed(long seed, int epoch) {
        return LatentNoise.mix(seed ^ 0x6A09E667F3BCC908L, epoch);
    }

    /** The seed of the noise stream of one epoch. */
    static long noiseSeed(long seed, int epoch) {
        return LatentNoise.mix(seed ^ 0x5DEECE66DL, epoch);
    }
}
