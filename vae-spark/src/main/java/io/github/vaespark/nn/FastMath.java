package io.github.vaespark.nn;

/**
 * A float exponential built only from exactly rounded IEEE operations (Cephes' expf: range
 * reduction by ln 2, a degree-5 polynomial, scaling by 2^k through the exponent bits; within 2 ulp
 * of e^x), so that its vectorised twin in {@link VectorMath} gives bit-identical results whether
 * the JIT has compiled it or not, and whatever the vector width. {@code Math.exp} itself cannot be
 * vectorised, and the Vector API's own EXP differs between interpreted and compiled code.
 * The double overloads are plain {@code Math.exp} (float64 kernels are not vectorised).
 */
final class FastMath {
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    static final float ROUND = 12582912f;
    static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** Arguments are clamped to [MIN_ARG, MAX_ARG] so that 2^k stays a normal float. */
    static final float MIN_ARG = -87.3f;
    static final float MAX_ARG = 88.3f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    private FastMath() {
    }

    /** e^x, to about 1e-7 relative; e^-87.3 for smaller x and e^88.3 for larger. */
    static float exp(float x) {
        float c = Math.max(MIN_ARG, Math.min(MAX_ARG, x));
        float r = c * LOG2E + ROUND;
        float k = r - ROUND;
        int ki = Float.floatToRawIntBits(r) - ROUND_BITS;
        float f = c - k * LN2_HI - k * LN2_LO;
        float p = ((((P0 * f + P1) * f + P2) * f + P3) * f + P4) * f + P5;
        p = p * (f * f) + f + 1f;
        return p * Float.intBitsToFloat((ki + 127) << 23);
    }

    static double exp(double x) {
        return Math.exp(x);
    }
}
