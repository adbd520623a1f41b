package io.github.vaespark.table;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The normalisation of one continuous column, a monotone map between its values and the value the
 * VAE models with a Gaussian.
 *
 * <ul>
 *   <li>{@code quantile}: v = Φ⁻¹(F(x)) with F the column's empirical distribution, piecewise linear
 *       between quantiles at probabilities i/M. Any marginal (skewed, multi-modal, discrete) becomes
 *       a standard normal, and the inverse maps a standard normal back onto the training
 *       marginal. Tied quantiles (a value held by many rows) map to the middle of their
 *       probability range and back to that exact value.</li>
 *   <li>{@code standard}: v = (x - mean) / sd, the classic scaling (bell-shaped columns only).</li>
 * </ul>
 * Values are clamped to the training range [min, max] both ways.
 */
public final class ContinuousScale implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Probabilities are kept in [P_MIN, 1 - P_MIN] (v within about ±3.3). */
    static final double P_MIN = 5e-4;

    private final double[] quantiles;
    private final double mean;
    private final double sd;
    private final double min;
    private final double max;

    private ContinuousScale(double[] quantiles, double mean, double sd, double min, double max) {
        this.quantiles = quantiles;
        this.mean = mean;
        this.sd = sd;
        this.min = min;
        this.max = max;
    }

    /** A quantile normalisation over ascending quantiles at probabilities i/(length-1) (length >= 2). */
    public static ContinuousScale quantile(double[] quantiles, double min, double max) {
        if (quantiles.length < 2) {
            throw new IllegalArgumentException("At least two quantiles are needed");
        }
        double[] q = quantiles.clone();
        q[0] = min;
        q[q.length - 1] = max;
        for (int i = 1; i < q.length; i++) {
            q[i] = Math.max(q[i], q[i - 1]);
        }
        return new ContinuousScale(q, 0, 1, min, max);
    }

    /** A standard scaling (sd 0 is treated as 1). */
    public static ContinuousScale standard(double mean, double sd, double min, double max) {
        return new ContinuousScale(null, mean, sd > 0 && Double.isFinite(sd) ? sd : 1, min, max);
    }

    /** "quantile" or "standard". */
    public String method() {
        return quantiles == null ? "standard" : "quantile";
    }

    public double[] quantiles() {
        return quantiles == null ? null : quantiles.clone();
    }

    public double mean() {
        return mean;
    }

    public double sd() {
        return sd;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** The modelled value of x. */
    public double forward(double x) {
        double c = Math.min(max, Math.max(min, x));
        if (quantiles == null) {
            return (c - mean) / sd;
        }
        int m = quantiles.length - 1;
        int first = countBelow(quantiles, c);
        double position;
        if (first <= m && quantiles[first] == c) {
            int last = first;
            while (last < m && quantiles[last + 1] == c) {
                last++;
            }
            position = 0.5 * (first + last);
        } else {
            int hi = Math.min(first, m);
            int lo = hi - 1;
            position = lo + (c - quantiles[lo]) / (quantiles[hi] - quantiles[lo]);
        }
        double p = Math.min(1 - P_MIN, Math.max(P_MIN, position / m));
        return NormalQuantile.of(p);
    }

    /** The column value of a modelled value v (inverse of {@link #forward}). */
    public double inverse(double v) {
        if (!Double.isFinite(v)) {
            v = Double.isNaN(v) ? 0 : Math.signum(v) * 40;
        }
        if (quantiles == null) {
            return Math.min(max, Math.max(min, mean + sd * v));
        }
        double p = NormalCdf.phi(v);
        int m = quantiles.length - 1;
        double position = Math.min(m, Math.max(0, p * m));
        int lo = (int) Math.min(m - 1, Math.floor(position));
        double t = position - lo;
        return quantiles[lo] + t * (quantiles[lo + 1] - quantiles[lo]);
    }

    /** How many entries of ascending {@code sorted} are strictly below {@code v}: the first index whose entry is >= v. */
    public static int countBelow(double[] sorted, double v) {
        // Halving without a branch on the comparison (a conditional move): a search of 201 quantiles
        // took half of forward's time in mispredicted branches.
        int n = sorted.length;
        if (n == 0) {
            return 0;
        }
        int base = 0;
        while (n > 1) {
            int half = n >>> 1;
            base = sorted[base + half] < v ? base + half : base;
            n -= half;
        }
        return sorted[base] < v ? base + 1 : base;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContinuousScale s && Arrays.equals(quantiles, s.quantiles) && mean == s.mean
                && sd == s.sd && min == s.min && max == s.max;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(quantiles) * 31 + Double.hashCode(mean + sd + min + max);
    }
}
