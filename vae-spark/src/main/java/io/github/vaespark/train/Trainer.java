package io.github.vaespark.train;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.train.barrier.BarrierStepEngine;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous data-parallel training loop. Every step, each partition computes the gradient
 * sum of its share of the global batch with the current weights, the driver adds the partial sums
 * in partition order, divides by the batch's row count and applies one Adam update. How weights
 * and gradients travel is up to the {@link StepEngine}; epochs, validation, early stopping,
 * checkpoints and listeners are handled here. The driver never sees data, only weights and gradients.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Seed offset of the fixed noise used to score validation rows. */
    private static final long VALIDATION_NOISE = 0x7A11DA7E5EEDL;

    private final TrainingData data;
    private final TrainingData validation;
    private final TrainingConfig config;
    private final List<EpochObserver> listeners;
    private final Checkpoints checkpoints;
    private final ExchangeChoice engines;

    /**
     * @param validation held-out rows scored after each epoch (early stopping), or null
     */
    public Trainer(TrainingData data, TrainingData validation, TrainingConfig config,
                   List<EpochObserver> listeners) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException("No training rows");
        }
        this.data = data;
        this.validation = validation != null && validation.rows() > 0 ? validation : null;
        this.config = config;
        this.listeners = List.copyOf(listeners);
        this.checkpoints = config.checkpointDir() == null ? null
                : new Checkpoints(config.checkpointDir(), data.blocks().context().hadoopConfiguration(),
                        CheckpointIdentity.of(config, data, this.validation));
        this.engines = new ExchangeChoice(data.blocks().context());
    }

    /** Trains to the end (maxEpochs or early stopping) and returns the kept weights. */
    public TrainingResult run() {
        return run(data.precision().kernels());
    }

    private <A> TrainingResult run(Kernels<A> kernels) {
        long start = System.nanoTime();
        BatchPlan plan = new BatchPlan(data.partitionRows(), config.batchSize());
        int capacity = Math.max(1, Math.min(config.chunkRows(), plan.maxShare()));
        GradientSetup setup = new GradientSetup(config.layout(), config.precision(), plan,
                data.partitionOffsets(), config.seed(), capacity, config.maskRate());
        TrainingState state = initialState();
        int resumedFrom = state.epochsDone;
        GradientApplier applier = new GradientApplier(config, state, plan.stepsPerEpoch());
        StepEngine engine = engines.create(kernels, data, setup, config, applier);
        LOG.info("vae-spark: training {} on {} rows in {} partitions ({} skipped), {} steps per epoch, {}, "
                        + "driver BLAS {}, {} exchange", config.layout().describe(), data.rows(), data.numPartitions(),
                data.skipped(), plan.stepsPerEpoch(), config.precision().paramName(),
                io.github.vaespark.blas.NativeBlas.ensureLoaded(), engine.name());
        try {
            while (state.epochsDone < config.maxEpochs() && !shouldStop(state)) {
                engine = runEpoch(kernels, engine, setup, applier);
                if (checkpoints != null && (state.epochsDone == config.maxEpochs() || shouldStop(state)
                        || state.epochsDone % config.checkpointInterval() == 0)) {
                    checkpoints.save(state);
                }
                // After the checkpoint: a listener that stops the fit leaves this epoch resumable.
                EpochStats summary = state.history.get(state.history.size() - 1);
                for (EpochObserver listener : listeners) {
                    listener.onEpochEnd(summary, config.maxEpochs());
                }
            }
            engine.endJob();
        } finally {
            engine.close();
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

    private TrainingState initialState() {
        if (checkpoints != null) {
            TrainingState restored = checkpoints.loadLatest(config.layout().numParams(), config.stepSize());
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

    /**
     * Runs one epoch's steps, then the validation pass; returns the engine to go on with (the jobs
     * engine if a barrier job could not get its task slots and the mode allows falling back).
     */
    private <A> StepEngine runEpoch(Kernels<A> kernels, StepEngine engine, GradientSetup setup,
                                    GradientApplier applier) {
        TrainingState state = applier.state();
        long epochStart = System.nanoTime();
        int epoch = state.epochsDone;
        StepEngine.EpochRun run;
        try {
            run = engine.runEpoch(epoch);
        } catch (BarrierStepEngine.NotEnoughSlotsException e) {
            if (!ExchangeChoice.mayFallBack(config.exchangeMode())) {
                throw e;
            }
            LOG.warn("vae-spark: {}; going on with one Spark job per step (exchangeMode=jobs)", e.getMessage());
            engine.close();
            engine = engines.jobs(kernels, data, setup, config, applier);
            run = engine.runEpoch(epoch);
        }
        state.epochsDone++;
        double validationLoss = Double.NaN;
        if (validation != null) {
            engine.endJob();
            validationLoss = DistributedEvaluation.evaluate(validation, config.layout(), state.params,
                    config.seed() ^ VALIDATION_NOISE, config.chunkRows()).meanNegativeElbo();
            trackBest(state, validationLoss);
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        LossSums loss = run.loss();
        StepEngine.StepTimes t = run.times();
        EpochStats summary = new EpochStats(state.epochsDone, setup.plan().stepsPerEpoch(), loss.rows(),
                loss.meanNegativeElbo(), loss.meanReconstruction(), loss.meanKl(), run.beta(), validationLoss, seconds,
                engine.name(), t.compute(), t.exchange(), t.update(), t.launch());
        state.history.add(summary);
        logEpoch(summary);
        return engine;
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

    private void logEpoch(EpochStats s) {
        int remaining = config.maxEpochs() - s.epoch();
        LOG.info(String.format("vae-spark: epoch %d/%d: -ELBO %.3f (reconstruction %.3f + KL %.3f)%s, %.0f rows/s, "
                        + "%.1f s, overhead %.0f%%, ETA %.0f s", s.epoch(), config.maxEpochs(), s.negativeElbo(),
                s.reconstruction(), s.kl(),
                Double.isNaN(s.validationNegativeElbo()) ? "" : String.format(", validation -ELBO %.3f",
                        s.validationNegativeElbo()),
                s.rowsPerSecond(), s.seconds(), 100 * s.overheadFraction(), remaining * s.seconds()));
    }
}
