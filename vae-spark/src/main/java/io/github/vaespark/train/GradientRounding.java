package io.github.vaespark.train;

import io.github.vaespark.nn.Kernels;
import java.nio.ByteBuffer;

/**
 * How each partition's gradient sum enters the ordered sum of a step (param
 * {@code exchangePrecision}): as computed ({@link #NONE}), or with every value first rounded to
 * bfloat16 ({@link #BFLOAT16}, to nearest even; the sum itself stays double). Every exchange rounds
 * at the same place, the sum, so all of them still give bit-identical models; the peer exchange
 * also sends its gradient pieces as bfloat16, 2 bytes a value instead of 4 (the weights it
 * all-gathers stay in the training width). Rounding changes the numbers (8 significant bits, about
 * 2 to 3 decimal digits, per value), which is why it is off by default.
 */
public enum GradientRounding {
    /** Values as computed, in the training precision. */
    NONE,
    /** Values rounded to bfloat16 first. */
    BFLOAT16;

    private static final ThreadLocal<double[]> VALUES = ThreadLocal.withInitial(() -> new double[0]);

    /** The param value: "float32" for NONE (whatever the training precision), "bfloat16". */
    public static GradientRounding fromParam(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "float32" -> NONE;
            case "bfloat16" -> BFLOAT16;
            default -> throw new IllegalArgumentException("exchangePrecision must be float32 or bfloat16, not " + value);
        };
    }

    /** {@code target[i] (+)= values[i]}, rounded as this says, for i in [from, to). */
    public <A> void add(Kernels<A> kernels, A values, double[] target, int from, int to, boolean assign) {
        if (this == NONE) {
            kernels.addRange(values, target, from, to, assign);
        } else if (values instanceof float[] floats) {
            // float32 and bfloat16 training: straight from the floats (no scratch copy)
            for (int i = from; i < to; i++) {
                double r = round(floats[i]);
                target[i] = assign ? r : target[i] + r;
            }
        } else {
            double[] v = doubles(kernels, values, from, to);
            for (int i = from; i < to; i++) {
                double r = round((float) v[i]);
                target[i] = assign ? r : target[i] + r;
            }
        }
    }

    /** Rounds {@code values[from, to)} in place as this says. */
    public <A> void roundInPlace(Kernels<A> kernels, A values, int from, int to) {
        if (this == NONE) {
            return;
        }
        double[] v = doubles(kernels, values, from, to);
        for (int i = from; i < to; i++) {
            v[i] = round(v[i]);
        }
        kernels.storeRange(v, values, from, to);
    }

    /** Bytes a gradient value takes on the peer exchange's wire, given the training width's. */
    public int wireBytes(int elementBytes) {
        return this == NONE ? elementBytes : 2;
    }

    /** Writes {@code values[from, to)} as this sends them (at the buffer's position, in its byte order). */
    public <A> void write(Kernels<A> kernels, A values, int from, int to, ByteBuffer out) {
        if (this == NONE) {
            kernels.put(values, from, to, out);
            return;
        }
        double[] v = doubles(kernels, values, from, to);
        for (int i = from; i < to; i++) {
            out.putShort((short) (Float.floatToRawIntBits((float) round(v[i])) >>> 16));
        }
    }

    /** Reads what {@link #write} wrote into {@code target[from, to)}. */
    public <A> void read(Kernels<A> kernels, ByteBuffer in, A target, int from, int to) {
        if (this == NONE) {
            kernels.get(in, target, from, to);
            return;
        }
        double[] v = scratch(to);
        for (int i = from; i < to; i++) {
            v[i] = Float.intBitsToFloat(in.getShort() << 16);
        }
        kernels.storeRange(v, target, from, to);
    }

    /**
     * v rounded to bfloat16 (through float32, then to nearest even on the upper 16 bits); NaN
     * stays NaN, and finite values beyond bfloat16's range become infinite (a diverged step).
     */
    public static double round(double v) {
        return round((float) v);
    }

    /** {@link #round(double)} of a float, without branches. */
    static float round(float f) {
        int bits = Float.floatToRawIntBits(f);
        float rounded = Float.intBitsToFloat((bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF_0000);
        return f != f ? f : rounded;  // a NaN's bits could carry into the sign and make -0
    }

    private static <A> double[] doubles(Kernels<A> kernels, A values, int from, int to) {
        double[] v = scratch(to);
        kernels.addRange(values, v, from, to, true);
        return v;
    }

    /** This thread's scratch array, at least {@code length} long (indices match the vectors'). */
    private static double[] scratch(int length) {
        double[] v = VALUES.get();
        if (v.length < length) {
            v = new double[length];
            VALUES.set(v);
        }
        return v;
    }
}
