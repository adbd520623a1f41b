package io.github.vaespark.ml;

/**
 * The two-sample Kolmogorov–Smirnov statistic D = sup_x |F_real(x) − F_synthetic(x)| from binned
 * counts (see {@link QuantileBins}). The CDFs are exact at every bin's upper end, so the largest
 * difference there is a value D actually takes: a lower bound. Inside a bin whose values span
 * [min, max] with min &lt; max, each CDF can rise by at most its side's share of the bin, which
 * gives an upper bound; a bin holding a single value adds no uncertainty, so columns with at
 * most as many distinct values as grid points get D exactly.
 */
final class KolmogorovSmirnov {
    private KolmogorovSmirnov() {
    }

    /**
     * {lower, upper} bounds of D. Per bin: counts of each side and the smallest and largest value
     * of both sides together (unused for empty bins).
     */
    static double[] bounds(long[] realCounts, long[] syntheticCounts, double[] min, double[] max) {
        double nReal = sum(realCounts);
        double nSynthetic = sum(syntheticCounts);
        double cumReal = 0;
        double cumSynthetic = 0;
        double lower = 0;
        double upper = 0;
        for (int b = 0; b < realCounts.length; b++) {
            double shareReal = realCounts[b] / nReal;
            double shareSynthetic = syntheticCounts[b] / nSynthetic;
            double before = cumReal - cumSynthetic;
            if (realCounts[b] + syntheticCounts[b] > 0 && min[b] < max[b]) {
                upper = Math.max(upper, Math.max(before + shareReal, shareSynthetic - before));
            }
            cumReal += shareReal;
            cumSynthetic += shareSynthetic;
            lower = Math.max(lower, Math.abs(cumReal - cumSynthetic));
        }
        return new double[] {lower, Math.max(lower, upper)};
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }
}
