package io.github.vaespark.bench;

/**
 * float32 to bfloat16 (the upper 16 bits of a float32) in Java, rounding to nearest with ties to
 * even, as a training step would convert its float[] operands before a bf16 GEMM (issue 17 spike).
 */
final class Bfloat16 {
    private Bfloat16() {
    }

    /**
     * The bfloat16 bits nearest to {@code x} (ties to even); NaN stays a quiet NaN, overflow gives
     * infinity. Branch-free (NaN is a 0/1 factor, not a select), so that loops over it vectorise.
     */
    static short fromFloat(float x) {
        int bits = Float.floatToRawIntBits(x);
        int nan = (0x7F800000 - (bits & 0x7FFFFFFF)) >>> 31;  // 1 for NaN, else 0
        int rounding = (1 - nan) * (0x7FFF + ((bits >>> 16) & 1));
        return (short) (((bits + rounding) >>> 16) | (nan << 6));
    }

    /** The float32 value of bfloat16 bits (exact). */
    static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** Converts {@code length} floats of {@code src} from {@code offset} into {@code dst[0..length)}. */
    static void fromFloats(float[] src, int offset, short[] dst, int length) {
        for (int i = 0; i < length; i++) {
            dst[i] = fromFloat(src[offset + i]);
        }
    }
}
