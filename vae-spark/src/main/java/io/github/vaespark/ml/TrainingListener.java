package io.github.vaespark.ml;

/**
 * Receives training progress on the driver: add one with
 * {@link VariationalAutoencoder#addTrainingListener}. Listeners are not params and are not saved.
 */
public interface TrainingListener {
    /** Called after every epoch, with the epochs planned in all. */
    default void onEpochEnd(EpochSummary summary, int maxEpochs) {
    }
}
