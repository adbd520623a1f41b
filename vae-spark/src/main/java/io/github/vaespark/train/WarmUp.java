package io.github.vaespark.train;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays a JVM's one-time costs of training before the first fit asks for them: loads the BLAS (and
 * oneDNN where the CPU has native bfloat16) and runs the training code — rows cached and gathered,
 * forward and backward passes, the optimiser — on a tiny private network until the JIT has
 * compiled it. Nothing it computes is kept, so fits give the same results with or without it; they
 * only start faster. Started once per JVM, on a daemon thread, by {@code ml.WarmUpPlugin}.
 */
public final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** Passes over the tiny network: enough for C2 to compile the per-column kernels (a few hundred calls each). */
    static final int PASSES = 400;
    private static final int ROWS = 64;

    private static final AtomicReference<CompletableFuture<Void>> STARTED = new AtomicReference<>();

    private WarmUp() {
    }

    /**
     * Starts the warm-up on a daemon thread unless this JVM has started it already; returns its
     * completion (which never fails: a failure is logged and leaves the fit to meet it).
     *
     * @param blasConf the value of {@code spark.vaespark.blas} in this JVM's conf, or null
     */
    public static CompletableFuture<Void> startInBackground(String blasConf) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!STARTED.compareAndSet(null, done)) {
            return STARTED.get();
        }
        Thread t = new Thread(() -> {
            try {
                long start = System.nanoTime();
                run(blasConf, PASSES);
                LOG.info("vae-spark: warmed up for training in {} ms", (System.nanoTime() - start) / 1_000_000);
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
    public static void run(String blasConf, int passes) {
        NativeBlas.ensureLoaded(blasConf);  // the conf's choice, as the fit's own call would make it
        for (Precision precision : new Precision[] {Precision.FLOAT32, Precision.BFLOAT16}) {
            if (precision == Precision.BFLOAT16 && !OneDnn.platformSupportsBf16()) {
                continue;  // without native bfloat16 it is float32 again, and its check would warn
            }
            for (Likelihood likelihood : new Likelihood[] {Likelihood.BERNOULLI, Likelihood.GAUSSIAN}) {
                train(precision, likelihood, passes);
            }
        }
    }

    /** Caches random rows as a fit does, then runs {@code passes} steps on them with Adam. */
    private static <A> void train(Precision precision, Likelihood likelihood, int passes) {
        @SuppressWarnings("unchecked")
        Kernels<A> k = (Kernels<A>) precision.kernels();
        VaeLayout layout = new VaeLayout(48, new int[] {32, 16}, 4, new int[] {16, 32}, Activation.RELU, likelihood);
        SplittableRandom random = new SplittableRandom(1);
        PartitionData.Builder builder = new PartitionData.Builder(precision, layout.inputDim(), ROWS);
        double[] row = new double[layout.inputDim()];
        for (int r = 0; r < 2 * ROWS; r++) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextDouble() < 0.5 ? 0 : random.nextDouble();
            }
            builder.add(row);
        }
        PartitionData data = builder.build();
        VaeNetwork<A> net = new VaeNetwork<>(layout, k);
        Workspace<A> ws = net.newWorkspace(ROWS);
        double[] master = ParameterInit.initialize(layout, 1);
        A params = k.fromDoubles(master);
        A grad = k.allocate(layout.numParams());
        double[] scratch = new double[master.length];
        double[] noise = new double[layout.latentDim()];
        Adam adam = new Adam(master.length, 1e-3);
        @SuppressWarnings("unchecked")
        A[] partials = (A[]) new Object[] {grad};
        for (int pass = 0; pass < passes; pass++) {
            var x = data.load(k, ws, null, (pass % 2) * ROWS, ROWS, pass, 0, noise);
            net.gradientIntoZeros(params, x, ws, 1.0, grad, null);
            adam.beginStep();
            GradientApplier.updateRange(k, partials, scratch, master, adam, 0, master.length, 1.0 / ROWS, params,
                    GradientRounding.NONE);
        }
    }
}
