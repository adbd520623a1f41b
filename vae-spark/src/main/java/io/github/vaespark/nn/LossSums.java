package io.github.vaespark.nn;

import java.io.Serializable;

/**
 * Sums over rows of the two parts of the negative ELBO, in nats: the reconstruction negative
 * log-likelihood and the KL divergence to the prior. Divide by {@link #rows()} for per-row values.
 */
public final class LossSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private double reconstruction;
    private double kl;
    private long rows;

    public LossSums() {
    }

    public LossSums(double reconstruction, double kl, long rows) {
        this.reconstruction = reconstruction;
        this.kl = kl;
        this.rows = rows;
    }

    /** Adds another partial sum to this one and returns this. */
    public LossSums add(LossSums other) {
        reconstruction += other.reconstruction;
        kl += other.kl;
        rows += other.rows;
        return this;
    }

    public double reconstruction() {
        return reconstruction;
    }

    public double kl() {
        return kl;
    }

    public long rows() {
        return rows;
    }

    /** Mean reconstruction term per row. */
    public double meanReconstruction() {
        return rows == 0 ? Double.NaN : reconstruction / rows;
    }

    /** Mean KL term per row. */
    public double meanKl() {
        return rows == 0 ? Double.NaN : kl / rows;
    }

    /** Mean negative ELBO per row (β = 1). */
    public double meanNegativeElbo() {
        return meanReconstruction() + meanKl();
    }

    @Override
    public String toString() {
        return String.format("LossSums[rows=%d, -elbo/row=%.4f, recon/row=%.4f, kl/row=%.4f]",
                rows, meanNegativeElbo(), meanReconstruction(), meanKl());
    }
}
