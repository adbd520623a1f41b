package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.Locale;

/**
 * One column's result: its kind, the distance between the two distributions of its present
 * values (KS for continuous, TVD for categorical) with an upper bound of that distance (equal to
 * it when exact), the number of bins or levels used, and each side's missing rate.
 */
record ColumnQuality(String name, boolean categorical, double distance, double distanceUpperBound, int bins,
        double realNullRate, double syntheticNullRate) implements Serializable {

    String kind() {
        return categorical ? "categorical" : "continuous";
    }

    String measure() {
        return categorical ? "1-TVD" : "1-KS";
    }

    /** 1 − distance: 1 for identical distributions, 0 for disjoint ones. */
    double score() {
        return 1 - distance;
    }

    String details() {
        if (categorical) {
            return String.format(Locale.ROOT, "TVD %.4f over %d levels", distance, bins);
        }
        return distanceUpperBound > distance
                ? String.format(Locale.ROOT, "KS %.4f (at most %.4f) on %d bins", distance, distanceUpperBound, bins)
                : String.format(Locale.ROOT, "KS %.4f (exact) on %d bins", distance, bins);
    }
}
