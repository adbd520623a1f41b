package io.github.vaespark.nn;

/**
 * e^{-|v|}, the exponential the Bernoulli likelihood needs, in a float form that C2 compiles to
 * SIMD code inside a loop (it calls Math.exp one element at a time) and an exact double form.
 * Float32Kernels calls {@code of(float)}; the Float64Kernels generated from it calls {@code of(double)}.
 */
final class ExpMinusAbs {
    private ExpMinusAbs() {
    }

    /**
     * e^{-|v|} in float arithmetic only: |v| is clamped to 16 (e^{-16} ≈ 1.1e-7 is below float's
     * resolution next to 1), e^{-|v|/16} comes from its Taylor polynomial of degree 9 on [0, 1] and
     * four squarings raise it to the 16th power. Relative error below 2e-5 for |v| ≤ 16 and below
     * 3e-6 for |v| < 8; beyond 16 it returns e^{-16}; NaN stays NaN.
     */
    static float of(float v) {
        float t = Math.min(Math.abs(v), 16f) * (-1f / 16);
        float p = 1 + t * (1 + t * (1f / 2 + t * (1f / 6 + t * (1f / 24 + t * (1f / 120 + t * (1f / 720
                + t * (1f / 5040 + t * (1f / 40320 + t * (1f / 362880)))))))));
        p *= p;
        p *= p;
        p *= p;
        return p * p;
    }

    /** e^{-|v|} through Math.exp, for double precision. */
    static double of(double v) {
        return Math.exp(-Math.abs(v));
    }
}
