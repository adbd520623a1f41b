package io.github.vaespark.nn;

import java.util.SplittableRandom;

/**
 * Initial parameters as PyTorch's {@code nn.Linear} draws them: weights and biases uniform in
 * ±1/√fan_in; Gaussian log-variances start at 0 (unit variance). In a table's mixed likelihood, a
 * Bernoulli segment with a prior (a column's missing indicator) starts with its output bias at the
 * logit of that share, so a short fit does not begin by calling half the values missing.
 */
public final class ParameterInit {
    private ParameterInit() {
    }

    /** A fresh parameter vector for {@code layout}, fully determined by {@code seed}. */
    public static double[] initialize(VaeLayout layout, long seed) {
        double[] params = new double[layout.numParams()];
        SplittableRandom random = new SplittableRandom(seed);
        for (VaeLayout.Dense d : layout.allDense()) {
            double bound = 1 / Math.sqrt(d.in());
            for (int i = 0; i < d.size(); i++) {
                params[d.weightOffset() + i] = (2 * random.nextDouble() - 1) * bound;
            }
        }
        MixedColumns mixed = layout.mixedColumns();
        if (mixed != null) {
            for (MixedColumns.Segment s : mixed.segments()) {
                if (s.kind() == MixedColumns.Kind.BERNOULLI && !Double.isNaN(s.prior())) {
                    double p = Math.min(1 - PRIOR_FLOOR, Math.max(PRIOR_FLOOR, s.prior()));
                    params[layout.output().biasOffset() + s.start()] = Math.log(p / (1 - p));
                }
            }
        }
        return params;
    }

    /** Priors are kept in [PRIOR_FLOOR, 1 - PRIOR_FLOOR] (logits within about ±9.2). */
    private static final double PRIOR_FLOOR = 1e-4;
}
