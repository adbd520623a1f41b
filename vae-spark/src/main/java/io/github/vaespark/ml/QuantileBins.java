package io.github.vaespark.ml;

import io.github.vaespark.table.ContinuousScale;
import java.util.Arrays;

/**
 * Bins bounded by sorted split points: bin b holds the values v with
 * {@code splits[b-1] < v <= splits[b]} (bin 0: v at or below the first split; the last bin: v
 * above the last split), so the count up to and including bin b is the count of values
 * {@code <= splits[b]}: the empirical CDF at a split point.
 */
final class QuantileBins {
    private QuantileBins() {
    }

    /** Sorted, distinct split points from quantiles (NaN dropped). */
    static double[] splits(double[] quantiles) {
        return Arrays.stream(quantiles).filter(q -> !Double.isNaN(q)).sorted().distinct().toArray();
    }

    /** The bin of v: the number of split points strictly below it. */
    static int index(double[] splits, double v) {
        return ContinuousScale.countBelow(splits, v);
    }
}
