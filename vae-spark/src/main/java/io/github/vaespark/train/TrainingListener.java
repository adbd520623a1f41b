package io.github.vaespark.train;

/** Receives training progress on the driver. Listeners are not params and are not saved. */
public interface TrainingListener {
    /** Called after every epoch, with the epochs planned in all. */
    default void onEpochEnd(EpochSummary summary, int maxEpochs) {
    }
}
