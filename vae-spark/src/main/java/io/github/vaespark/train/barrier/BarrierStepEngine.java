package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.Chunks;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.BatchPlan;
import io.github.vaespark.train.GradientApplier;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.JobProperties;
import io.github.vaespark.train.StepEngine;
import io.github.vaespark.train.TrainingConfig;
import io.github.vaespark.train.TrainingData;
import io.github.vaespark.train.TrainingState;
import io.github.vaespark.train.barrier.ExchangeAddress;
import io.github.vaespark.train.barrier.ExchangeHub;
import io.github.vaespark.train.barrier.ExchangeHubs;
import io.github.vaespark.train.barrier.ExchangeServer;
import io.github.vaespark.train.barrier.ExchangeTls;
import io.github.vaespark.train.barrier.Segments;
import io.github.vaespark.train.barrier.Tick;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * Steps without a Spark job each: one barrier-mode job (all partitions' tasks running at once)
 * lasts as many epochs as the driver needs, and its tasks exchange gradients and weights with the
 * driver through an {@link ExchangeHub}: in place when they run in the driver's JVM, over TCP to an
 * {@link ExchangeServer} otherwise. The driver sums each gradient segment in partition order and
 * updates it while the partitions still compute the next ones, so a step costs little more than
 * its slowest partition's computation.
 *
 * <p>The barrier stage is a shuffle-map stage, which Spark retries as a whole when a task or an
 * executor fails. The tasks of the new attempt join the hub again; the driver then rolls back to
 * the start of the current epoch and repeats it, so the result equals that of an undisturbed run.
 */
public final class BarrierStepEngine<A> implements StepEngine {
    private static final Logger LOG = LoggerFactory.getLogger(BarrierStepEngine.class);
    private static final ClassTag<Integer> INT_TAG = ClassTag$.MODULE$.apply(Integer.class);

    /** Thrown when the job's tasks did not all start in time (not enough free task slots). */
    public static final class NotEnoughSlotsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotEnoughSlotsException(String message) {
            super(message);
        }
    }

    private final Kernels<A> kernels;
    private final TrainingData data;
    private final GradientSetup setup;
    private final TrainingConfig config;
    private final GradientApplier applier;
    private final Segments segments;
    private final ExchangeServer server;
    private final String serverHost;
    private final long joinTimeoutMillis;
    private final long stepTimeoutMillis;
    private final ExchangeTls tls;

    private ExchangeHub hub;
    private ExchangeAddress address;
    /** The summed gradient when updates need all of it at once (gradient clipping). */
    private double[] wholeGradient;
    private JavaFutureAction<List<Integer>> job;
    private int attempt;
    private boolean initialized;
    /** Whether every task of some attempt has joined once in this fit (slots were there). */
    private boolean everJoined;
    private StageAttempts attempts;
    /** The state at the start of the running epoch, repeated from there after a restart. */
    private TrainingState.Snapshot snapshot;

    /**
     * @param server     the TCP endpoint for tasks outside the driver's JVM, or null when every task runs in it
     * @param serverHost the host name executors reach the server at
     */
    public BarrierStepEngine(Kernels<A> kernels, TrainingData data, GradientSetup setup, TrainingConfig config,
                      GradientApplier applier, ExchangeServer server, String serverHost, long joinTimeoutMillis,
                      long stepTimeoutMillis, ExchangeTls tls) {
        this.kernels = kernels;
        this.data = data;
        this.setup = setup;
        this.config = config;
        this.applier = applier;
        this.segments = applier.needsWholeGradient() ? Segments.whole(setup.layout().numParams())
                : Segments.byLayer(setup.layout());
        this.server = server;
        this.serverHost = serverHost;
        this.joinTimeoutMillis = joinTimeoutMillis;
        this.stepTimeoutMillis = stepTimeoutMillis;
        this.tls = tls;
    }

    @Override
    public String name() {
        return "barrier";
    }

    @Override
    public EpochRun runEpoch(int epoch) {
        long start = System.nanoTime();
        startJob(epoch);
        // Taken while Spark launches a new job's tasks (the first epoch's copy is 26 MB of fresh
        // memory for the Fashion-MNIST model): nothing changes the state before this epoch's first update.
        snapshot = applier.state().snapshot(snapshot);
        boolean restarted = false;
        while (true) {
            try {
                EpochRun run = runSteps(epoch, start);
                if (restarted) {
                    // Spark counts a barrier stage's failed attempts until the stage succeeds: a fresh job
                    // for the next epochs gives them the full spark.stage.maxConsecutiveAttempts again.
                    endJob();
                }
                return run;
            } catch (ExchangeHub.RestartedException e) {
                LOG.warn("vae-spark: {}; epoch {} starts again from its first step", e.getMessage(), epoch + 1);
                applier.state().restore(snapshot);
                initialized = false;
                restarted = true;
            }
        }
    }

    private EpochRun runSteps(int epoch, long epochStart) {
        ExchangeHub.Check check = this::checkJob;
        if (!initialized) {
            attempt = awaitJoined(check);
            hub.publishInitial(attempt, w -> storeAll(applier.state().params, w));
            initialized = true;
        }
        BatchPlan plan = setup.plan();
        @SuppressWarnings("unchecked")
        A[] partials = (A[]) new Object[plan.numPartitions()];
        LossSums epochLoss = new LossSums();
        long compute = 0;
        long update = 0;
        long steps = 0;
        double beta = 0;
        for (int step = 0; step < plan.stepsPerEpoch(); step++) {
            long tickStart = System.nanoTime();
            beta = applier.betaAt(epoch, step);
            int t = hub.issue(attempt, new Tick(epoch, step));
            for (int p = 0; p < partials.length; p++) {
                @SuppressWarnings("unchecked")
                A partial = plan.share(p, step) > 0 ? (A) hub.partial(p) : null;
                partials[p] = partial;
            }
            long rows = plan.stepRows(step);
            TickUpdate u = applier.needsWholeGradient() ? updateWhole(t, epoch, step, partials, check)
                    : updateBySegment(t, epoch, step, partials, rows, check);
            long done = System.nanoTime();
            long slowest = 0;
            for (int p = 0; p < partials.length; p++) {
                slowest = Math.max(slowest, hub.computeNanos(p));
            }
            compute += slowest;
            update += done - u.allArrived();
            steps += done - tickStart;
            epochLoss.add(u.loss());
        }
        long exchange = steps - compute - update;
        long launch = System.nanoTime() - epochStart - steps;
        return new EpochRun(epochLoss, beta, new StepTimes(compute / 1e9, exchange / 1e9, update / 1e9, launch / 1e9));
    }

    /** A tick's loss sums, and when the last gradient segment had arrived from every partition. */
    private record TickUpdate(LossSums loss, long allArrived) {
    }

    /**
     * Updates each segment as soon as every partition has delivered it, and publishes its new
     * weights at once, while the partitions still compute the later segments.
     */
    @SuppressWarnings("unchecked")
    private TickUpdate updateBySegment(int t, int epoch, int step, A[] partials, long rows, ExchangeHub.Check check) {
        applier.beginStep();
        boolean finite = true;
        long arrived = 0;
        int last = segments.count() - 1;
        for (int k = 0; k <= last; k++) {
            hub.awaitSegment(t, k, check);
            if (k == last) {
                arrived = System.nanoTime();
            }
            finite = finite && applier.applySegment(kernels, partials, segments.from(k), segments.to(k),
                    1.0 / rows, (A) hub.weights());
            if (finite) {
                hub.publish(attempt, t, k);
            }
        }
        LossSums loss = stepLoss(partials.length);
        applier.finishStep(loss, finite, epoch, step);
        return new TickUpdate(loss, arrived);
    }

    /** Waits for every whole gradient (gradient clipping needs the global norm), then updates. */
    private TickUpdate updateWhole(int t, int epoch, int step, A[] partials, ExchangeHub.Check check) {
        hub.awaitSegment(t, 0, check);
        long arrived = System.nanoTime();
        LossSums loss = stepLoss(partials.length);
        applier.applyWhole(orderedSum(partials), loss, epoch, step);
        storeAll(applier.state().params, hub.weights());
        hub.publish(attempt, t, 0);
        return new TickUpdate(loss, arrived);
    }

    /** The loss sums of the tick just finished, added in partition order. */
    private LossSums stepLoss(int numPartitions) {
        LossSums loss = new LossSums();
        for (int p = 0; p < numPartitions; p++) {
            loss.add(hub.loss(p));
        }
        return loss;
    }

    /** The partitions' gradient sums added in partition order, in double. */
    private double[] orderedSum(A[] partials) {
        if (wholeGradient == null) {
            wholeGradient = new double[segments.numParams()];
        }
        boolean first = true;
        for (A partial : partials) {
            if (partial != null) {
                GradientApplier.addPartial(kernels, partial, wholeGradient, first, applier.gradientRounding());
                first = false;
            }
        }
        return wholeGradient;
    }

    @SuppressWarnings("unchecked")
    private void storeAll(double[] params, Object target) {
        Chunks.forEach(params.length, (from, to) -> kernels.storeRange(params, (A) target, from, to));
    }

    /**
     * Waits until every task of the current attempt has joined. The time counts from now (the job's
     * start, or the restart that the driver just noticed). Only the fit's first join may end with
     * {@link NotEnoughSlotsException} (which lets exchangeMode=auto fall back to one job per
     * step); once the tasks have run, a restart that does not get its slots back is a failure.
     */
    private int awaitJoined(ExchangeHub.Check check) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(joinTimeoutMillis);
        int joined = hub.awaitJoined(() -> {
            check.run();
            if (System.nanoTime() > deadline) {
                String waited = "The " + setup.plan().numPartitions() + " training tasks did not all start within "
                        + joinTimeoutMillis / 1000 + " s";
                if (everJoined) {
                    throw new IllegalStateException(waited + " after Spark restarted the training job's tasks "
                            + "(stage attempt " + hub.attempt() + "): an executor may have been lost with no "
                            + "replacement slot (spark.vaespark.exchange.joinTimeout)");
                }
                throw new NotEnoughSlotsException(waited + ": a barrier job needs a free task slot "
                        + "for every partition at once (spark.vaespark.exchange.joinTimeout)");
            }
        });
        everJoined = true;
        return joined;
    }

    /** Submits the barrier job unless one is running. */
    private void startJob(int epoch) {
        if (job != null) {
            return;
        }
        BatchPlan plan = setup.plan();
        hub = new ExchangeHub(plan.numPartitions(), segments, kernels, (p, step) -> plan.share(p, step) > 0);
        hub.setStepTimeout(stepTimeoutMillis);
        SparkContext sc = data.blocks().context();
        attempts = StageAttempts.listen(sc);
        hub.setStartedAttempts(attempts::newest);
        address = ExchangeHubs.register(hub).withIdleTimeout(stepTimeoutMillis <= 0 ? 0 : 2 * stepTimeoutMillis);
        if (server != null) {
            address = address.overTcp(serverHost, server.port(), tls);
        }
        String description = String.format("vae-spark: training from epoch %d/%d (%d steps per epoch, barrier)",
                epoch + 1, config.maxEpochs(), plan.stepsPerEpoch());
        job = JobProperties.submit(sc, description, () -> {
            RDD<Integer> tasks = data.blocks().rdd().barrier()
                    .mapPartitions(new BarrierTrainingTask(setup, config, address), false, INT_TAG);
            // The shuffle makes the barrier stage a shuffle-map stage, which Spark retries as a whole.
            return new JavaRDD<>(tasks, INT_TAG).repartition(1).collectAsync();
        });
        attempts.watch(job.jobIds());
        initialized = false;
        attempt = -1;
        LOG.info("vae-spark: barrier training job started for {} partitions ({} exchange, segments {})",
                plan.numPartitions(), server == null ? "in-process" : (tls != null ? "TLS " : "TCP ") + serverHost + ":"
                        + server.port(),
                segments);
    }

    /** Throws if the job ended while the driver still expects its tasks. */
    private void checkJob() {
        if (job != null && job.isDone()) {
            awaitJob(0);
            throw new IllegalStateException("The barrier training job ended before the driver ended it");
        }
    }

    @Override
    public void endJob() {
        if (job == null) {
            return;
        }
        hub.end();
        try {
            awaitJob(Math.max(60_000, joinTimeoutMillis));
        } finally {
            release(null);
        }
    }

    /** Waits for the job to end; its failure (or a time-out) is thrown as an unchecked exception. */
    private void awaitJob(long timeoutMillis) {
        try {
            job.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the barrier training job", e);
        } catch (CancellationException e) {
            throw new IllegalStateException("The barrier training job was cancelled", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("The barrier training job did not end within " + timeoutMillis + " ms", e);
        }
    }

    @Override
    public void close() {
        if (job != null && !job.isDone()) {
            job.cancel(true);
        }
        release(new IllegalStateException("training ended"));
        if (server != null) {
            server.close();
        }
    }

    private void release(Throwable reason) {
        if (attempts != null) {
            attempts.stop();
            attempts = null;
        }
        if (hub != null) {
            if (reason != null) {
                hub.close(reason);
            }
            ExchangeHubs.unregister(address.hubId());
        }
        hub = null;
        job = null;
    }
}
