package io.github.vaespark.train;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.MixedColumns;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays a JVM's one-time costs of training before the first fit asks for them: loads the BLAS (and
 * oneDNN where the CPU has native bfloat16) and runs the training code — rows cached and gathered,
 * forward and backward passes, the optimiser — on tiny private networks until the JIT has
 * compiled it (float32, and bfloat16 where native; Bernoulli and Gaussian likelihoods and a table's
 * mixed one, ReLU).
 * Nothing it computes is kept, so fits give the same results with or without it; they only start
 * faster. Started once per JVM, on a daemon thread, by {@code ml.WarmUpPlugin}.
 */
public final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** Passes over the tiny network: enough for C2 to compile the per-column kernels (a few hundred calls each). */
    static final int PASSES = 400;
    private static final int ROWS = 64;
    /**
     * The chunk widths of the passes, a third of them each, ascending (each divides the cached rows,
     * so every step of a pass has that width): a fit's first step meets new GEMM shapes and grows
     * native buffers, and code that only ever found its shapes cached and its buffers large enough
     * while the JIT profiled it is compiled without those paths, so the step would deoptimise it
     * (seen: the whole compiled forward layer, 0.3 s of C2 time to compile again).
     */
    static final int[] WIDTHS = {ROWS / 4, ROWS / 2, ROWS};
    /** Pieces small enough for the tiny network to be updated in several, as the driver's update is. */
    private static final int PIECE = 256;
    private static final int EPOCHS = 4;
    private static final long SEED = 0x5EED;
    private static final int TABLE_LEVELS = 4;

    private static final AtomicReference<CompletableFuture<Void>> STARTED = new AtomicReference<>();

    private WarmUp() {
    }

    /**
     * Starts the warm-up on a daemon thread unless this JVM has started it already; returns its
     * completion (which never fails: a failure is logged and leaves the fit to meet it).
     *
     * @param conf this JVM's Spark conf, for its {@code spark.vaespark.blas}
     */
    public static CompletableFuture<Void> startInBackground(SparkConf conf) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!STARTED.compareAndSet(null, done)) {
            return STARTED.get();
        }
        Thread t = new Thread(() -> {
            try {
                long start = System.nanoTime();
                run(conf, PASSES);
                LOG.debug("vae-spark: warmed up for training in {} ms", (System.nanoTime() - start) / 1_000_000);
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("vae-spark: the warm-up failed ({}); fits pay their one-time costs themselves", e.toString());
            } finally {
                done.complete(null);
            }
        }, "vae-spark-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return done;
    }

    /** The warm-up itself, on the calling thread: {@code passes} passes per precision and likelihood. */
    public static void run(SparkConf conf, int passes) {
        NativeBlas.ensureLoaded(conf);  // the conf's choice, as the fit's own call would make it
        for (Precision precision : new Precision[] {Precision.FLOAT32, Precision.BFLOAT16}) {
            if (precision == Precision.BFLOAT16 && !OneDnn.platformSupportsBf16()) {
                continue;  // without native bfloat16 it is float32 again, and its check would warn
            }
            for (Likelihood likelihood : new Likelihood[] {Likelihood.BERNOULLI, Likelihood.GAUSSIAN}) {
                train(precision, new VaeLayout(48, new int[] {32, 16}, 4, new int[] {16, 32}, Activation.RELU,
                        likelihood), WarmUp::vectorRow, passes);
            }
            VaeLayout table = tableLayout();
            train(precision, table, (random, row) -> tableRow(table.mixedColumns(), random, row), passes);
        }
    }

    /** Fills a row of a vector model: half zeros, half uniform values. */
    private static void vectorRow(SplittableRandom random, double[] row) {
        for (int i = 0; i < row.length; i++) {
            row[i] = random.nextDouble() < 0.5 ? 0 : random.nextDouble();
        }
    }

    /**
     * A table model's layout as {@code TableCodec} makes it: a continuous, a 4-level categorical and
     * a boolean column, each followed by its missing indicator (masking the value's term).
     */
    static VaeLayout tableLayout() {
        MixedColumns.Builder b = MixedColumns.builder();
        b.add(MixedColumns.Kind.GAUSSIAN, 1, 1, 0);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 0, 0.1);
        b.add(MixedColumns.Kind.CATEGORICAL, TABLE_LEVELS, 2 + TABLE_LEVELS, 1);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 1, 0.1);
        int binary = b.position();
        b.add(MixedColumns.Kind.BERNOULLI, 1, binary + 1, 2);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 2, 0.1);
        return new VaeLayout(b.build(), 0, new int[] {32, 16}, 4, new int[] {16, 32}, Activation.RELU);
    }

    /**
     * Fills an encoded row of {@code mixed}: each masked value missing one time in ten (its mask
     * entry set instead); a value is a normal draw, a random level or a random 0/1 by its kind.
     */
    private static void tableRow(MixedColumns mixed, SplittableRandom random, double[] row) {
        java.util.Arrays.fill(row, 0);
        for (MixedColumns.Segment s : mixed.segments()) {
            if (s.mask() < 0) {
                continue;  // a missing indicator, set (or not) with the value it masks
            }
            if (random.nextDouble() < 0.1) {
                row[s.mask()] = 1;
                continue;
            }
            switch (s.kind()) {
                case GAUSSIAN -> row[s.start()] = random.nextGaussian();
                case CATEGORICAL -> row[s.start() + random.nextInt(s.width())] = 1;
                case BERNOULLI -> row[s.start()] = random.nextBoolean() ? 1 : 0;
            }
        }
    }

    /**
     * Caches random rows as a fit does, then runs {@code passes} steps on them as a task and the
     * driver do: the share's gradient ({@link ShareGradient}, told of finished tails as the exchange
     * is), then the update in parallel pieces as {@link GradientApplier#applySegment} makes it.
     */
    private static <A> void train(Precision precision, VaeLayout layout,
                                  java.util.function.BiConsumer<SplittableRandom, double[]> rows, int passes) {
        @SuppressWarnings("unchecked")
        Kernels<A> k = (Kernels<A>) precision.kernels();
        SplittableRandom random = new SplittableRandom(1);
        PartitionData.Builder builder = new PartitionData.Builder(precision, layout.inputDim(), ROWS);
        double[] row = new double[layout.inputDim()];
        for (int r = 0; r < 2 * ROWS; r++) {
            rows.accept(random, row);
            builder.add(row);
        }
        PartitionData data = builder.build();
        double[] master = ParameterInit.initialize(layout, SEED);
        A params = k.fromDoubles(master);
        double[] scratch = new double[master.length];
        Adam adam = new Adam(master.length, 1e-3);
        for (int w = 0; w < WIDTHS.length; w++) {
            int width = WIDTHS[w];
            BatchPlan plan = new BatchPlan(new int[] {data.rows()}, width);
            GradientSetup setup = new GradientSetup(layout, precision, plan, new long[] {0}, SEED, width);
            ExecutorBuffers<A> buffers = ExecutorBuffers.get(layout, k, width);
            for (int pass = passes * w / WIDTHS.length; pass < passes * (w + 1) / WIDTHS.length; pass++) {
                step(k, setup, buffers, data, params, pass, master, scratch, adam);
            }
        }
    }

    /** One pass: a share's gradient as a task computes it, then the driver's update of it in pieces. */
    private static <A> void step(Kernels<A> k, GradientSetup setup, ExecutorBuffers<A> buffers, PartitionData data,
                                 A params, int pass, double[] master, double[] scratch, Adam adam) {
        int stepsPerEpoch = setup.plan().stepsPerEpoch();
        int step = pass % stepsPerEpoch;
        int epoch = (pass / stepsPerEpoch) % EPOCHS;  // a few shuffles, not one per pass
        int pieces = (master.length + PIECE - 1) / PIECE;
        // A listener, as the exchange passes one: the backward pass then reports each finished tail.
        ShareGradient.Result<A> share = ShareGradient.compute(setup, buffers, params, data, 0, epoch, step, 1.0, 1,
                from -> { });
        // Two partitions' sums, as a fit on two or more partitions adds them: with one, the JIT
        // compiles the sum for its first term only and the fit's first update undoes that.
        @SuppressWarnings("unchecked")
        A[] partials = (A[]) new Object[] {share.gradient(), share.gradient()};
        adam.beginStep();
        IntStream.range(0, pieces).parallel().forEach(c -> GradientApplier.updateRange(k, partials, scratch, master,
                adam, c * PIECE, Math.min(master.length, (c + 1) * PIECE), 0.5 / ROWS, params,
                GradientRounding.NONE));
    }
}
