package io.github.vaespark.train;

/** Receives each finished epoch on the driver (the ml layer adapts its public listeners to it). */
@FunctionalInterface
public interface EpochObserver {
    /** Called after every epoch, with the epochs planned in all. */
    void onEpochEnd(EpochStats summary, int maxEpochs);
}
