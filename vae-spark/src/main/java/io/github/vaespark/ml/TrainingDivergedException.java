package io.github.vaespark.ml;

import io.github.vaespark.train.DivergedException;

/**
 * Thrown by {@link VariationalAutoencoder#fit} when a loss or gradient stops being finite; the
 * partly trained weights are discarded. Lower stepSize, set maxGradNorm, or check the input scale.
 * {@link #epoch()} and {@link #step()} say where it happened.
 */
public final class TrainingDivergedException extends DivergedException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message, int epoch, int step) {
        super(message, epoch, step);
    }
}
