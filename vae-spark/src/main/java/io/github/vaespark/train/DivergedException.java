package io.github.vaespark.train;

/**
 * Thrown by the loop when a loss or gradient stops being finite (published to users as
 * {@code ml.TrainingDivergedException}).
 */
public class DivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int step;

    public DivergedException(String message, int epoch, int step) {
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
