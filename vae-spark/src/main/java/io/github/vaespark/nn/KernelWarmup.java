package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the training kernels (forward/backward on a small chunk of random rows, and Adam) on a
 * background thread while the first fit of a JVM caches its data, so that the JIT has compiled
 * them before the first step instead of during the first epoch. In local mode the tasks run in
 * this JVM and start warm; on a cluster only the driver's Adam benefits. The warm-up computes on
 * its own arrays and never touches a fit's state, and Java's floating point does not depend on
 * compilation, so results are unchanged. Once per JVM and precision; later fits find it done.
 * Disabled with the system property {@code vaespark.kernelWarmup=false} (for measurements).
 */
public final class KernelWarmup implements AutoCloseable {
    /** Rows of the warm-up chunk: small, so one pass costs milliseconds even interpreted. */
    static final int ROWS = 32;
    private static final AtomicBoolean[] DONE = {new AtomicBoolean(), new AtomicBoolean()};

    private final Thread thread;
    private volatile boolean stop;

    /**
     * @param passes  forward/backward passes at most (the warm-up also ends at {@link #close()})
     * @param oncePerJvm whether to skip the warm-up when this JVM already warmed {@code precision}
     */
    KernelWarmup(VaeLayout layout, Precision precision, int passes, boolean oncePerJvm) {
        if (!Boolean.parseBoolean(System.getProperty("vaespark.kernelWarmup", "true"))
                || (oncePerJvm && DONE[precision.ordinal()].getAndSet(true))) {
            thread = null;
            return;
        }
        thread = new Thread(() -> {
            try {
                run(layout, precision.kernels(), passes);
            } catch (RuntimeException | LinkageError e) {
                // Only a lost speed-up: training itself reports any real problem with the kernels.
            }
        }, "vae-spark kernel warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /**
     * Starts warming the kernels of {@code layout} on a daemon thread, unless this JVM already did
     * for {@code precision}; {@link #close()} stops it.
     */
    public static KernelWarmup start(VaeLayout layout, Precision precision) {
        return new KernelWarmup(layout, precision, 200, true);
    }

    /** Whether a warm-up thread was started (false when this JVM had already warmed up). */
    public boolean started() {
        return thread != null;
    }

    /** Whether the warm-up thread is still running. */
    boolean running() {
        return thread != null && thread.isAlive();
    }

    private <A> void run(VaeLayout layout, Kernels<A> kernels, int passes) {
        VaeNetwork<A> network = new VaeNetwork<>(layout, kernels);
        Workspace<A> ws = network.newWorkspace(ROWS);
        double[] init = ParameterInit.initialize(layout, 1);
        A params = kernels.fromDoubles(init);
        A grad = kernels.allocate(layout.numParams());
        DenseMatrix<?> x = ws.input(ROWS);
        SplittableRandom random = new SplittableRandom(1);
        double[] column = new double[layout.inputDim()];
        double[] noise = new double[layout.latentDim()];
        for (int j = 0; j < ROWS; j++) {
            for (int i = 0; i < column.length; i++) {
                column[i] = random.nextDouble();
            }
            kernels.setColumn(x, j, column);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = random.nextGaussian();
            }
            kernels.setColumn(ws.epsilon(ROWS), j, noise);
        }
        Adam adam = new Adam(init.length, 1e-3);
        double[] gradient = new double[init.length];
        for (int pass = 0; pass < passes && !stop; pass++) {
            network.accumulateGradient(params, x, ws, 1.0, grad);
            if (pass % 20 == 0) {
                adam.update(init, gradient);
            }
        }
    }

    /** Stops the warm-up (it ends within one pass) and waits for it, so it never competes with training. */
    @Override
    public void close() {
        stop = true;
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
