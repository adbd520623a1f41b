package io.github.vaespark.train;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Chunks;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.ParameterInit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous data-parallel training loop. Every step: broadcast the current weights, let
 * each partition compute the gradient sum of its share of the global batch (one Spark job), add
 * the partial sums on the driver in partition order, divide by the batch's row count and apply
 * one Adam update. The driver never sees data, only weights and gradients.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Seed offset of the fixed noise used to score validation rows. */
    private static final long VALIDATION_NOISE = 0x7A11DA7E5EEDL;

    private final TrainingData data;
    private final TrainingData validation;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners;
    private final Checkpoints checkpoints;

    /**
     * @param validation held-out rows scored after each epoch (early stopping), or null
     */
    public Trainer(TrainingData data, TrainingData validation, TrainingConfig config,
                   List<TrainingListener> listeners) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException("No training rows");
        }
        this.data = data;
        this.validation = validation != null && validation.rows() > 0 ? validation : null;
        this.config = config;
        this.listeners = List.copyOf(listeners);
        this.checkpoints = config.checkpointDir() == null ? null
                : new Checkpoints(config.checkpointDir(), data.blocks().context().hadoopConfiguration());
    }

    /** Trains to the end (maxEpochs or early stopping) and returns the kept weights. */
    public TrainingResult run() {
        return run(data.precision().kernels());
    }

    private <A> TrainingResult run(Kernels<A> kernels) {
        long start = System.nanoTime();
        BatchPlan plan = new BatchPlan(data.partitionRows(), config.batchSize());
        int capacity = Math.max(1, Math.min(config.chunkRows(), plan.maxShare()));
        GradientTask.Setup setup = new GradientTask.Setup(config.layout(), config.precision(), plan,
                data.partitionOffsets(), config.seed(), capacity);
        TrainingState state = initialState();
        int resumedFrom = state.epochsDone;
        SparkContext sc = data.blocks().context();
        String previousDescription = sc.getLocalProperty("spark.job.description");
        double[] gradient = new double[config.layout().numParams()];
        LOG.info("vae-spark: training {} on {} rows in {} partitions ({} skipped), {} steps per epoch, {}, "
                        + "driver BLAS {}", config.layout().describe(), data.rows(), data.numPartitions(), data.skipped(),
                plan.stepsPerEpoch(), config.precision().paramName(),
                dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
        warnAboutResultSize(sc);
        try {
            while (state.epochsDone < config.maxEpochs() && !shouldStop(state)) {
                runEpoch(kernels, sc, plan, setup, state, gradient);
                boolean last = state.epochsDone == config.maxEpochs() || shouldStop(state);
                if (checkpoints != null && (last || state.epochsDone % config.checkpointInterval() == 0)) {
                    checkpoints.save(state, config, data.rows());
                }
                // After the checkpoint: a listener that stops the fit leaves this epoch resumable.
                EpochSummary summary = state.history.get(state.history.size() - 1);
                for (TrainingListener listener : listeners) {
                    listener.onEpochEnd(summary, config.maxEpochs());
                }
            }
        } finally {
            sc.setJobDescription(previousDescription);
        }
        boolean stoppedEarly = state.epochsDone < config.maxEpochs();
        double[] kept = validation != null && state.bestParams != null ? state.bestParams : state.params;
        int bestEpoch = validation != null && state.bestParams != null ? state.bestEpoch : state.epochsDone;
        long skipped = data.skipped() + (validation == null ? 0 : validation.skipped());
        return new TrainingResult(kept, List.copyOf(state.history), state.globalStep,
                (System.nanoTime() - start) / 1e9, data.rows(), skipped,
                validation == null ? 0 : validation.rows(), bestEpoch, stoppedEarly, resumedFrom,
                data.storedBytes(), data.rows() * data.dim() * 4L);
    }

    /**
     * Partial gradients above spark.task.maxDirectResultSize go through the block manager, a
     * detour that costs every step several milliseconds; say how to avoid it.
     */
    private void warnAboutResultSize(SparkContext sc) {
        long gradientBytes = (long) config.layout().numParams() * config.precision().bytes();
        long direct = sc.getConf().getSizeAsBytes("spark.task.maxDirectResultSize", "1m");
        if (gradientBytes + 4096 > direct) {
            LOG.warn("vae-spark: each partition returns a {} KiB gradient per step, above "
                    + "spark.task.maxDirectResultSize ({} KiB), so Spark routes it through the block manager and "
                    + "every step gets slower. Start Spark with --conf spark.task.maxDirectResultSize={}m.",
                    gradientBytes >> 10, direct >> 10, Math.max(16, 2 * ((gradientBytes >> 20) + 1)));
        }
    }

    private TrainingState initialState() {
        if (checkpoints != null) {
            TrainingState restored = checkpoints.loadLatest(config, data.rows());
            if (restored != null) {
                LOG.info("vae-spark: resuming from the checkpoint after epoch {} in {}", restored.epochsDone,
                        config.checkpointDir());
                return restored;
            }
        }
        double[] params = ParameterInit.initialize(config.layout(), config.seed());
        return new TrainingState(params, new Adam(params.length, config.stepSize()), new ArrayList<>(), 0, 0);
    }

    private boolean shouldStop(TrainingState state) {
        return validation != null && config.patience() > 0 && state.epochsWithoutImprovement >= config.patience();
    }

    private <A> void runEpoch(Kernels<A> kernels, SparkContext sc, BatchPlan plan,
                              GradientTask.Setup setup, TrainingState state, double[] gradient) {
        long epochStart = System.nanoTime();
        int epoch = state.epochsDone;
        int steps = plan.stepsPerEpoch();
        LossSums epochLoss = new LossSums();
        long computeNanos = 0;
        long broadcastNanos = 0;
        long jobNanos = 0;
        long updateNanos = 0;
        double beta = config.beta();
        for (int step = 0; step < steps; step++) {
            beta = config.betaAt(state.globalStep, steps);
            sc.setJobDescription(String.format("vae-spark: epoch %d/%d, step %d/%d", epoch + 1, config.maxEpochs(),
                    step + 1, steps));
            SynchronousStep.Outcome outcome = SynchronousStep.run(kernels, data, setup, state.params, epoch, step,
                    beta, gradient);
            LossSums loss = outcome.loss();
            long updateStart = System.nanoTime();
            applyUpdate(state, gradient, loss, epoch, step, steps);
            updateNanos += System.nanoTime() - updateStart;
            epochLoss.add(loss);
            computeNanos += outcome.maxComputeNanos();
            broadcastNanos += outcome.broadcastNanos();
            jobNanos += outcome.jobNanos();
        }
        state.epochsDone++;
        double validationLoss = Double.NaN;
        if (validation != null) {
            validationLoss = DistributedEvaluation.evaluate(validation, config.layout(), state.params,
                    config.seed() ^ VALIDATION_NOISE, config.chunkRows()).meanNegativeElbo();
            trackBest(state, validationLoss);
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        EpochSummary summary = new EpochSummary(state.epochsDone, steps, epochLoss.rows(),
                epochLoss.meanNegativeElbo(), epochLoss.meanReconstruction(), epochLoss.meanKl(), beta,
                validationLoss, seconds, computeNanos / 1e9, broadcastNanos / 1e9, jobNanos / 1e9, updateNanos / 1e9);
        state.history.add(summary);
        logEpoch(summary);
    }

    private void applyUpdate(TrainingState state, double[] gradient, LossSums loss, int epoch, int step,
                             int steps) {
        double objective = loss.reconstruction() + loss.kl();
        double scale = 1.0 / loss.rows();
        double squaredNorm = Chunks.sum(gradient.length, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                gradient[i] *= scale;
                s += gradient[i] * gradient[i];
            }
            return s;
        });
        if (!Double.isFinite(objective) || !Double.isFinite(squaredNorm)) {
            throw diverged(Double.isFinite(objective) ? "gradient" : "loss", epoch, step, steps);
        }
        double norm = Math.sqrt(squaredNorm);
        if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
            double clip = config.maxGradNorm() / norm;
            Chunks.forEach(gradient.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    gradient[i] *= clip;
                }
            });
        }
        state.adam.update(state.params, gradient);
        state.globalStep++;
    }

    private TrainingDivergedException diverged(String what, int epoch, int step, int steps) {
        String hint = "Try a smaller stepSize (now " + config.stepSize() + ")"
                + (config.maxGradNorm() > 0 ? "" : ", set maxGradNorm (e.g. 10)")
                + (config.layout().likelihood() == io.github.vaespark.nn.Likelihood.GAUSSIAN
                ? ", or standardise the features (StandardScaler)" : "")
                + ".";
        return new TrainingDivergedException(String.format(
                "Training diverged at epoch %d/%d, step %d/%d: the %s is not finite. %s No model was returned.",
                epoch + 1, config.maxEpochs(), step + 1, steps, what, hint), epoch + 1, step + 1);
    }

    private void trackBest(TrainingState state, double validationLoss) {
        if (validationLoss < state.bestValidation) {
            state.bestValidation = validationLoss;
            state.bestParams = state.params.clone();
            state.bestEpoch = state.epochsDone;
            state.epochsWithoutImprovement = 0;
        } else {
            state.epochsWithoutImprovement++;
        }
    }

    private void logEpoch(EpochSummary s) {
        int remaining = config.maxEpochs() - s.epoch();
        LOG.info(String.format("vae-spark: epoch %d/%d: -ELBO %.3f (reconstruction %.3f + KL %.3f)%s, %.0f rows/s, "
                        + "%.1f s, overhead %.0f%%, ETA %.0f s", s.epoch(), config.maxEpochs(), s.negativeElbo(),
                s.reconstruction(), s.kl(),
                Double.isNaN(s.validationNegativeElbo()) ? "" : String.format(", validation -ELBO %.3f",
                        s.validationNegativeElbo()),
                s.rowsPerSecond(), s.seconds(), 100 * s.overheadFraction(), remaining * s.seconds()));
    }
}
