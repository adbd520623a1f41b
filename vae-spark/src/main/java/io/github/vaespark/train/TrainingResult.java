package io.github.vaespark.train;

import java.io.Serializable;
import java.util.List;

/**
 * The outcome of a fit: the final (or, with early stopping, the best) weights and the history.
 *
 * @param params          the flat parameter vector
 * @param history         one summary per epoch run (including epochs restored from a checkpoint)
 * @param totalSteps      optimisation steps applied
 * @param seconds         wall time of this fit call (not counting restored epochs)
 * @param rows            training rows
 * @param skippedRows     invalid rows skipped (handleInvalid = "skip"), training and validation
 * @param validationRows  validation rows (0 without validation)
 * @param bestEpoch       epoch whose weights were kept (the last one without validation)
 * @param stoppedEarly    whether early stopping ended training before maxEpochs
 * @param resumedFromEpoch epochs restored from a checkpoint (0 for a fresh start)
 * @param cachedBytes     bytes Spark reported for the cached training blocks (-1 if unknown)
 * @param rawFloat32Bytes rows × features × 4: the training data as raw float32
 */
public record TrainingResult(double[] params, List<EpochStats> history, long totalSteps, double seconds,
                             long rows, long skippedRows, long validationRows, int bestEpoch,
                             boolean stoppedEarly, int resumedFromEpoch, long cachedBytes,
                             long rawFloat32Bytes) implements Serializable {
}
