package io.github.vaespark.train.peer;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.GradientApplier;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.JobProperties;
import io.github.vaespark.train.StepEngine;
import io.github.vaespark.train.TrainingConfig;
import io.github.vaespark.train.TrainingData;
import io.github.vaespark.train.TrainingState;
import java.security.SecureRandom;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The peer exchange (exchangeMode=peer): one barrier job per epoch whose tasks exchange gradient
 * pieces and weights among themselves ({@link PeerMesh}); each task owns a shard of the
 * parameters and its Adam state ({@link ShardOptimizer}). The driver only broadcasts the epoch's
 * starting state and gathers the shards at its end (for checkpoints, listeners and the model).
 *
 * <p>The barrier stage is a shuffle-map stage, which Spark retries as a whole when a task or an
 * executor fails; every attempt starts from the broadcast state, so a retried epoch gives the
 * weights of an undisturbed one, bit for bit equal to the other exchanges'.
 */
public final class PeerStepEngine implements StepEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PeerStepEngine.class);
    private static final ClassTag<Integer> INT_TAG = ClassTag$.MODULE$.apply(Integer.class);
    private static final ClassTag<EpochStart> START_TAG = ClassTag$.MODULE$.apply(EpochStart.class);

    private final TrainingData data;
    private final GradientSetup setup;
    private final TrainingConfig config;
    private final GradientApplier applier;
    private final long connectTimeoutMillis;
    private final long stepTimeoutMillis;
    private final PeerCoordinator coordinator;
    private final String coordinatorHost;
    private final SecureRandom tokens = new SecureRandom();
    /** This fit's number: the key of the shard states tasks leave on their executors between epochs. */
    private final long fit = tokens.nextLong();

    /**
     * @param driverHost  the host name executors reach the driver at
     * @param bindAddress the driver's address to listen on for the tasks' registrations
     * @param port        the port to listen on (0: any free port)
     */
    public PeerStepEngine(TrainingData data, GradientSetup setup, TrainingConfig config, GradientApplier applier,
                          long connectTimeoutMillis, long stepTimeoutMillis, String driverHost, String bindAddress,
                          int port) {
        if (config.maxGradNorm() > 0) {
            throw new IllegalArgumentException("The peer exchange cannot clip by the global gradient norm");
        }
        this.data = data;
        this.setup = setup;
        this.config = config;
        this.applier = applier;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.stepTimeoutMillis = stepTimeoutMillis;
        this.coordinatorHost = driverHost;
        try {
            this.coordinator = PeerCoordinator.start(bindAddress, port);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("The peer exchange could not listen on " + bindAddress + ":" + port
                    + " (spark.vaespark.exchange.port)", e);
        }
    }

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public EpochRun runEpoch(int epoch) {
        long epochStart = System.nanoTime();
        TrainingState state = applier.state();
        Adam adam = state.adam();
        SparkContext sc = data.blocks().context();
        long broadcastStart = System.nanoTime();
        Broadcast<EpochStart> start = sc.broadcast(new EpochStart(state.params, adam.firstMoment(),
                adam.secondMoment(), adam.step()), START_TAG);
        long jobStart = System.nanoTime();
        long token = tokens.nextLong();
        coordinator.beginEpoch(token, setup.plan().numPartitions(), setup.layout().numParams(),
                setup.plan().stepsPerEpoch());
        String description = String.format("vae-spark: epoch %d/%d (%d steps, peer exchange)", epoch + 1,
                config.maxEpochs(), setup.plan().stepsPerEpoch());
        try {
            JobProperties.submit(sc, description, () -> {
                RDD<Integer> tasks = data.blocks().rdd().barrier().mapPartitions(new PeerTrainingTask(setup, config,
                        start, epoch, fit, token, connectTimeoutMillis, stepTimeoutMillis, coordinatorHost,
                        coordinator.port()), false, INT_TAG);
                // The shuffle makes the barrier stage a shuffle-map stage, which Spark retries as a whole.
                return new JavaRDD<>(tasks, INT_TAG).repartition(1).collect();
            });
        } finally {
            start.destroy();
        }
        List<ShardResult> results = coordinator.completeResults();
        if (results == null) {
            throw new IllegalStateException("The peer exchange's tasks of epoch " + (epoch + 1)
                    + " ended without delivering every shard to the driver");
        }
        long jobEnd = System.nanoTime();
        EpochRun run = gather(epoch, results, epochStart);
        long setup = results.stream().mapToLong(ShardResult::setupNanos).max().orElse(0);
        LOG.info(String.format("vae-spark: peer epoch %d: broadcast %.0f ms, job %.0f ms (tasks' setup up to %.0f ms, "
                        + "steps %.0f ms), gather %.0f ms", epoch + 1, (jobStart - broadcastStart) / 1e6,
                (jobEnd - jobStart) / 1e6, setup / 1e6,
                1e3 * (run.times().compute() + run.times().exchange() + run.times().update()),
                (System.nanoTime() - jobEnd) / 1e6));
        return run;
    }

    /** Puts the shards back into the training state and sums loss and times as the other exchanges do. */
    private EpochRun gather(int epoch, List<ShardResult> results, long epochStart) {
        TrainingState state = applier.state();
        Adam adam = state.adam();
        int stepsDone = results.get(0).stepsDone();
        for (ShardResult r : results) {
            int n = r.params().length;
            System.arraycopy(r.params(), 0, state.params, r.from(), n);
            System.arraycopy(r.firstMoment(), 0, adam.firstMoment(), r.from(), n);
            System.arraycopy(r.secondMoment(), 0, adam.secondMoment(), r.from(), n);
        }
        adam.restore(new Adam(adam.learningRate(), adam.firstMoment(), adam.secondMoment(),
                adam.step() + stepsDone));
        state.addSteps(stepsDone);
        LossSums epochLoss = new LossSums();
        long compute = 0;
        long update = 0;
        int stepsRun = results.get(0).diverged() != null ? stepsDone + 1 : stepsDone;
        for (int step = 0; step < stepsRun; step++) {
            LossSums stepLoss = new LossSums();
            long c = 0;
            long u = 0;
            for (ShardResult r : results) {
                stepLoss.add(r.loss()[step]);
                c = Math.max(c, r.computeNanos()[step]);
                u = Math.max(u, r.updateNanos()[step]);
            }
            epochLoss.add(stepLoss);
            compute += c;
            update += u;
        }
        // The tasks' steps are not aligned in time (each waits for the others at its own moments), so the
        // steps' duration is the longest of the tasks' own sums, not a sum of per-step maxima.
        long steps = 0;
        for (ShardResult r : results) {
            long own = 0;
            for (int step = 0; step < stepsRun; step++) {
                own += r.stepNanos()[step];
            }
            steps = Math.max(steps, own);
        }
        steps = Math.max(steps, compute + update);
        String diverged = results.get(0).diverged();
        if (diverged != null) {
            throw applier.diverged(diverged, epoch, stepsDone);
        }
        long launch = System.nanoTime() - epochStart - steps;
        double beta = applier.betaAt(epoch, setup.plan().stepsPerEpoch() - 1);
        return new EpochRun(epochLoss, beta, new StepTimes(compute / 1e9, (steps - compute - update) / 1e9,
                update / 1e9, launch / 1e9));
    }

    @Override
    public void close() {
        coordinator.close();
    }
}
