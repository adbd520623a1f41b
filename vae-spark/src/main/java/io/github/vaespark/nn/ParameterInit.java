package io.github.vaespark.nn;

import java.util.SplittableRandom;

/**
 * Initial parameters as PyTorch's {@code nn.Linear} draws them: weights and biases uniform in
 * ±1/√fan_in; Gaussian log-variances start at 0 (unit variance).
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
        return params;
    }
}
