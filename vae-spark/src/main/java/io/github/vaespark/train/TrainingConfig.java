package io.github.vaespark.train;

import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;

/**
 * Everything the training loop needs besides the data, already validated by the Spark ML layer.
 *
 * @param klWarmupEpochs     β ramps linearly from 0 to {@code beta} over this many epochs (0: no warm-up)
 * @param maxGradNorm        clip the global gradient norm to this value (0: no clipping)
 * @param patience           with validation data, stop after this many epochs without improvement (0: never)
 * @param checkpointDir      directory for checkpoints, or null
 * @param checkpointInterval save a checkpoint every this many epochs
 * @param chunkRows          rows per forward/backward pass on an executor (bounds the work buffers)
 * @param exchangeMode       how gradients and weights travel each step
 * @param gradientRounding   how each partition's gradient sum enters a step's sum (exchangePrecision)
 */
public record TrainingConfig(VaeLayout layout, Precision precision, double beta, int klWarmupEpochs,
                             int maxEpochs, int batchSize, double stepSize, long seed, double maxGradNorm,
                             int patience, String checkpointDir, int checkpointInterval, int chunkRows,
                             ExchangeMode exchangeMode, GradientRounding gradientRounding, double maskRate)
        implements Serializable {

    /** Rows per forward/backward pass when nothing else is said. */
    public static final int DEFAULT_CHUNK_ROWS = 1024;

    public TrainingConfig {
        if (!(maskRate >= 0 && maskRate < 1)) {
            throw new IllegalArgumentException("maskRate must be in [0, 1) but was " + maskRate);
        }
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("maxEpochs must be >= 1 but was " + maxEpochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a finite number >= 0 but was " + beta);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0 but was " + maxGradNorm);
        }
        if (exchangeMode == null) {
            throw new IllegalArgumentException("exchangeMode must be set");
        }
        if (gradientRounding == null) {
            throw new IllegalArgumentException("gradientRounding must be set");
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1 but was " + chunkRows);
        }
    }

    /** β at a global step, with the linear warm-up applied. */
    public double betaAt(long globalStep, int stepsPerEpoch) {
        if (klWarmupEpochs <= 0) {
            return beta;
        }
        double ramp = (double) globalStep / ((long) klWarmupEpochs * stepsPerEpoch);
        return beta * Math.min(1.0, ramp);
    }
}
