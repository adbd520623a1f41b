package io.github.vaespark.ml;

/**
 * Thrown by {@link VariationalAutoencoder#fit} when a loss or gradient stops being finite; the
 * partly trained weights are discarded. Lower stepSize, set maxGradNorm, or check the input scale.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int step;

    public TrainingDivergedException(String message, int epoch, int step) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /** 1-based epoch of the failed step. */
    public int epoch() {
        return epoch;
    }

    /** 1-based step within the epoch. */
    public int step() {
        return step;
    }
}
