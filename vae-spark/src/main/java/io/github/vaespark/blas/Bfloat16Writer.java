package io.github.vaespark.blas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rounds float32 values to bfloat16 straight into a native buffer, bit for bit as oneDNN's reorder
 * and the CPU's {@code vcvtneps2bf16} do (to nearest even; subnormals to zero of their sign, as the
 * bfloat16 dot products treat them anyway; a NaN stays a quiet NaN), with the
 * Vector API: one pass that reads 4 bytes and writes 2 per value, where a float32 staging copy and
 * a oneDNN reorder read and write 14. Loaded only when {@link VectorApi#available()}.
 */
final class Bfloat16Writer {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
    private static final int SIGN = 0x8000_0000;
    private static final int EXPONENT = 0x7F80_0000;

    private Bfloat16Writer() {
    }

    /**
     * Writes a rows×cols column-major view of {@code from} (leading dimension {@code ld}) densely,
     * as bfloat16 in native byte order, from the start of {@code to}.
     */
    static void write(float[] from, int offset, int ld, int rows, int cols, ByteBuffer to) {
        if (ld == rows) {
            write(from, offset, rows * cols, to, 0);
        } else {
            for (int j = 0; j < cols; j++) {
                write(from, offset + j * ld, rows, to, 2 * j * rows);
            }
        }
    }

    private static void write(float[] from, int offset, int length, ByteBuffer to, int byteOffset) {
        int bound = FLOATS.loopBound(length);
        int i = 0;
        for (; i < bound; i += FLOATS.length()) {
            round(FloatVector.fromArray(FLOATS, from, offset + i))
                    .intoByteBuffer(to, byteOffset + 2 * i, ByteOrder.nativeOrder());
        }
        for (; i < length; i++) {
            to.putShort(byteOffset + 2 * i, round(from[offset + i]));
        }
    }

    private static ShortVector round(FloatVector values) {
        IntVector raw = values.reinterpretAsInts();
        IntVector bits = raw.blend(raw.and(SIGN), raw.and(EXPONENT).compare(VectorOperators.EQ, 0));
        IntVector upper = bits.lanewise(VectorOperators.LSHR, 16);
        IntVector rounded = bits.add(upper.and(1).add(0x7FFF)).lanewise(VectorOperators.LSHR, 16);
        VectorMask<Integer> nan = values.test(VectorOperators.IS_NAN).cast(IntVector.SPECIES_PREFERRED);
        IntVector result = rounded.blend(upper.or(0x40), nan);
        return (ShortVector) result.convertShape(VectorOperators.I2S, SHORTS, 0);
    }

    /** The scalar form of the same rounding. */
    static short round(float value) {
        int raw = Float.floatToRawIntBits(value);
        int bits = (raw & EXPONENT) == 0 ? raw & SIGN : raw;
        int upper = bits >>> 16;
        return (short) (Float.isNaN(value) ? upper | 0x40 : (bits + (upper & 1) + 0x7FFF) >>> 16);
    }
}
