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
     * e^{-|v|} in float arithmetic only: |v| is clamped to 20 (e^{-20} ≈ 2.1e-9, so 1 + e rounds to
     * 1 in float), e^{-|v|/32} comes from its Taylor polynomial of degree 9 on [0, 0.625] and five
     * squarings raise it to the 32nd power. Relative error below 1e-5 for |v| ≤ 20 (5.2e-6
     * measured) and below 3e-6 for |v| < 8; beyond 20 it returns e^{-20}; NaN stays NaN.
     */
    static float of(float v) {
        float t = Math.min(Math.abs(v), 20f) * (-1f / 32);
        float p = 1 + t * (1 + t * (1f / 2 + t * (1f / 6 + t * (1f / 24 + t * (1f / 120 + t * (1f / 720
                + t * (1f / 5040 + t * (1f / 40320 + t * (1f / 362880)))))))));
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return p * p;
    }

    /**
     * 1 for v &gt; 0, 0 for v ≤ 0 (±0 included), NaN for NaN, by min/max (C2 vectorises these, not
     * Math.copySign or a conditional): v · 2^252 is at least 1 for every positive float and for every
     * positive double whose e^{-v} differs from 1.
     */
    static float positive(float v) {
        return Math.min(1f, Math.max(0f, v * 0x1p126f * 0x1p126f));
    }

    /** As {@link #positive(float)}, in double. */
    static double positive(double v) {
        return Math.min(1.0, Math.max(0.0, v * 0x1p126 * 0x1p126));
    }

    /** e^{-|v|} through Math.exp, for double precision. */
    static double of(double v) {
        return Math.exp(-Math.abs(v));
    }
}
