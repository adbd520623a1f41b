package io.github.vaespark.train;

import io.github.vaespark.nn.LossSums;
import java.io.Serializable;

/**
 * What one partition sends back at one step: the gradient summed over its rows (in the training
 * precision), the loss sums, and how long the computation took on the executor.
 */
public final class PartialGradient implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Object gradient;
    private final LossSums loss;
    private final long computeNanos;

    PartialGradient(Object gradient, LossSums loss, long computeNanos) {
        this.gradient = gradient;
        this.loss = loss;
        this.computeNanos = computeNanos;
    }

    /** A float[] or double[] of gradient sums, or null when the partition had no rows. */
    Object gradient() {
        return gradient;
    }

    LossSums loss() {
        return loss;
    }

    long computeNanos() {
        return computeNanos;
    }
}
