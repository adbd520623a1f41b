package io.github.vaespark.train;

import io.github.vaespark.nn.Kernels;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How each partition's gradient sum enters the ordered sum of a step (param
 * {@code exchangePrecision}): as computed ({@link #NONE}), or with every value first rounded to
 * bfloat16 ({@link #BFLOAT16}, to nearest even; the sum itself stays double). Every exchange rounds
 * at the same place, the sum, so all of them still give bit-identical models; the peer exchange
 * also sends its gradient pieces as bfloat16, 2 bytes a value instead of 4 (the weights it
 * all-gathers stay in the training width). Rounding changes the numbers (8 significant bits, about
 * 2 to 3 decimal digits, per value), which is why it is off by default.
 *
 * <p>Gradient arrays are float[] (float32 and bfloat16 training) or double[] (float64, rounded
 * through float32).
 */
public enum GradientRounding {
    /** Values as computed, in the training precision. */
    NONE("float32"),
    /** Values rounded to bfloat16 first. */
    BFLOAT16("bfloat16");

    private final String paramName;

    GradientRounding(String paramName) {
        this.paramName = paramName;
    }

    /** The name used by the exchangePrecision param. */
    public String paramName() {
        return paramName;
    }

    /** The rounding for a param value such as {@code "bfloat16"}; case-insensitive. */
    public static GradientRounding fromParam(String value) {
        for (GradientRounding r : values()) {
            if (r.paramName.equalsIgnoreCase(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Unknown exchangePrecision '" + value + "'; expected one of "
                + String.join(", ", paramNames()));
    }

    /** All param values. */
    public static String[] paramNames() {
        return Arrays.stream(values()).map(GradientRounding::paramName).toArray(String[]::new);
    }

    /** {@code target[i] (+)= values[i]}, rounded as this says, for i in [from, to). */
    public <A> void add(Kernels<A> kernels, A values, double[] target, int from, int to, boolean assign) {
        if (this == NONE) {
            kernels.addRange(values, target, from, to, assign);
            return;
        }
        for (int i = from; i < to; i++) {
            double r = round(at(values, i));
            target[i] = assign ? r : target[i] + r;
        }
    }

    /** Rounds {@code values[from, to)} in place as this says. */
    public <A> void roundInPlace(A values, int from, int to) {
        if (this == NONE) {
            return;
        }
        for (int i = from; i < to; i++) {
            set(values, i, round(at(values, i)));
        }
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
        for (int i = from; i < to; i++) {
            out.putShort(toBits(at(values, i)));
        }
    }

    /** Reads what {@link #write} wrote into {@code target[from, to)}. */
    public <A> void read(Kernels<A> kernels, ByteBuffer in, A target, int from, int to) {
        if (this == NONE) {
            kernels.get(in, target, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            set(target, i, fromBits(in.getShort()));
        }
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

    /** The 16 bits of bfloat16 that {@link #round(float)} of {@code f} is (its upper half). */
    static short toBits(float f) {
        return (short) (Float.floatToRawIntBits(round(f)) >>> 16);
    }

    /** The float32 value of bfloat16 {@code bits} (exact). */
    static float fromBits(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** Element i of a gradient array, as float32. */
    private static float at(Object values, int i) {
        return values instanceof float[] f ? f[i] : (float) ((double[]) values)[i];
    }

    private static void set(Object values, int i, float v) {
        if (values instanceof float[] f) {
            f[i] = v;
        } else {
            ((double[]) values)[i] = v;
        }
    }
}
