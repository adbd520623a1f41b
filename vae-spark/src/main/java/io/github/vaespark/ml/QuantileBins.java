package io.github.vaespark.ml;

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
        int lo = 0;
        int hi = splits.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (splits[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
