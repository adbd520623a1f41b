package io.github.vaespark.ml;

import java.io.Serializable;

/**
 * Pearson correlations of many column pairs in one pass over rows, mergeable across partitions:
 * per pair, over the rows where both values are present, the count, both means, both sums of
 * squared deviations and the sum of co-deviations (Welford's updates, Chan's merge; the same
 * moments Spark's {@code corr} keeps, without one aggregate function per pair, which makes Spark
 * fall back from generated code and compile a class per query: a 40-column table took 50-100 s).
 */
final class PairMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Per pair, its two positions in the value arrays given to {@link #add}. */
    private final int[] first;
    private final int[] second;
    private final long[] n;
    private final double[] meanX;
    private final double[] meanY;
    private final double[] m2X;
    private final double[] m2Y;
    private final double[] cXY;

    PairMoments(int[] first, int[] second) {
        this.first = first.clone();
        this.second = second.clone();
        int p = first.length;
        n = new long[p];
        meanX = new double[p];
        meanY = new double[p];
        m2X = new double[p];
        m2Y = new double[p];
        cXY = new double[p];
    }

    /** Adds a row's values (NaN: missing). */
    void add(double[] values) {
        for (int p = 0; p < first.length; p++) {
            double x = values[first[p]];
            double y = values[second[p]];
            if (Double.isNaN(x) || Double.isNaN(y)) {
                continue;
            }
            long count = ++n[p];
            double dx = x - meanX[p];
            double dy = y - meanY[p];
            meanX[p] += dx / count;
            meanY[p] += dy / count;
            m2X[p] += dx * (x - meanX[p]);
            m2Y[p] += dy * (y - meanY[p]);
            cXY[p] += dx * (y - meanY[p]);
        }
    }

    /** This plus {@code other} (this object is updated and returned). */
    PairMoments merge(PairMoments other) {
        for (int p = 0; p < first.length; p++) {
            long n2 = other.n[p];
            if (n2 == 0) {
                continue;
            }
            long n1 = n[p];
            if (n1 == 0) {
                n[p] = n2;
                meanX[p] = other.meanX[p];
                meanY[p] = other.meanY[p];
                m2X[p] = other.m2X[p];
                m2Y[p] = other.m2Y[p];
                cXY[p] = other.cXY[p];
                continue;
            }
            double total = (double) n1 + n2;
            double dx = other.meanX[p] - meanX[p];
            double dy = other.meanY[p] - meanY[p];
            double weight = (double) n1 * n2 / total;
            meanX[p] += dx * (n2 / total);
            meanY[p] += dy * (n2 / total);
            m2X[p] += other.m2X[p] + dx * dx * weight;
            m2Y[p] += other.m2Y[p] + dy * dy * weight;
            cXY[p] += other.cXY[p] + dx * dy * weight;
            n[p] = n1 + n2;
        }
        return this;
    }

    /** The correlation of pair p, or 0 where it is undefined (fewer than two rows, or a constant column). */
    double correlation(int p) {
        double r = cXY[p] / Math.sqrt(m2X[p] * m2Y[p]);
        return n[p] < 2 || !Double.isFinite(r) ? 0 : Math.max(-1, Math.min(1, r));
    }
}
