package io.github.vaespark.nn;

import java.util.Locale;

/**
 * The decoder's observation model p(x|z).
 *
 * <ul>
 *   <li>{@link #BERNOULLI}: the decoder outputs logits l; -log p(x|z) = Σ_j softplus(l_j) - x_j l_j,
 *       valid for x in [0, 1] (the continuous relaxation used for grey-level images). The mean is
 *       sigmoid(l).</li>
 *   <li>{@link #GAUSSIAN}: the decoder outputs means m; each feature j has one learned log-variance
 *       s_j (shared by all rows, initialised to 0); -log p(x|z) = Σ_j ½ [log 2π + s_j + (x_j - m_j)² e^{-s_j}],
 *       with s_j floored at {@link LogVarianceBounds#DECODER_MIN} = 2·ln 0.01 (σ_j ≥ 0.01).</li>
 *   <li>{@link #MIXED}: a table's encoded columns, one likelihood term per column kind
 *       ({@link MixedColumns}, {@link MixedLikelihood}); set by the estimator for {@code inputCols}.</li>
 * </ul>
 */
public enum Likelihood {
    BERNOULLI,
    GAUSSIAN,
    MIXED;

    /** The lower-case name used by the {@code likelihood} param. */
    public String paramName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a param value such as {@code "bernoulli"}; case-insensitive. */
    public static Likelihood fromParam(String name) {
        for (Likelihood l : values()) {
            if (l.paramName().equalsIgnoreCase(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Unknown likelihood '" + name + "'; expected bernoulli, gaussian or mixed");
    }
}
