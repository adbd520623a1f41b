package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.Locale;

/**
 * One column pair's result: the association measured on each side (Pearson correlation for two
 * continuous columns, Cramér's V otherwise) and the score derived from their difference.
 */
record PairQuality(String first, String second, boolean correlation, double real, double synthetic)
        implements Serializable {

    String measure() {
        return correlation ? "correlation" : "cramers_v";
    }

    /** 1 − |corr_real − corr_synthetic| / 2, or 1 − |V_real − V_synthetic|. */
    double score() {
        double gap = Math.abs(real - synthetic);
        return correlation ? 1 - gap / 2 : 1 - gap;
    }

    boolean is(String a, String b) {
        return first.equals(a) && second.equals(b) || first.equals(b) && second.equals(a);
    }

    String details() {
        return String.format(Locale.ROOT, "%s real %.4f, synthetic %.4f",
                correlation ? "Pearson r" : "Cramer's V", real, synthetic);
    }
}
