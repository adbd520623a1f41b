package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** bfloat16 rounding of gradient values: to nearest even, NaN kept, and the same by every path. */
class GradientRoundingTest {

    @Test
    void roundsToNearestEvenAndKeepsNaN() {
        assertEquals(1f, GradientRounding.round(1 + 0x1p-8f), "a tie goes to the even neighbour");
        assertEquals(1 + 0x1p-6f, GradientRounding.round(1 + 0x1p-7f + 0x1p-8f), "a tie goes to the even neighbour");
        assertEquals(1 + 0x1p-7f, GradientRounding.round(1 + 0x1p-7f - 0x1p-9f), "above half rounds up");
        assertEquals(-3f, GradientRounding.round(-3.0078125f), "negative values round by magnitude");
        assertEquals(Float.POSITIVE_INFINITY, GradientRounding.round(Float.MAX_VALUE), "beyond bfloat16's range");
        assertTrue(Float.isNaN(GradientRounding.round(Float.intBitsToFloat(0x7FFF_FFFF))),
                "a NaN whose bits would carry into the sign stays NaN");
        assertEquals(1.5, GradientRounding.round(1.5000001), "doubles go through float32");
    }

    @Test
    void everyPathGivesTheSameBits() {
        float[] values = new float[50];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i) * (float) Math.pow(10, i % 7 - 3);
        }
        @SuppressWarnings("unchecked")
        Kernels<float[]> f32 = (Kernels<float[]>) Precision.FLOAT32.kernels();
        @SuppressWarnings("unchecked")
        Kernels<double[]> f64 = (Kernels<double[]>) Precision.FLOAT64.kernels();
        double[] viaFloats = new double[values.length];
        GradientRounding.BFLOAT16.add(f32, values, viaFloats, 0, values.length, true);
        double[] asDoubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            asDoubles[i] = values[i];
        }
        double[] viaDoubles = new double[values.length];
        GradientRounding.BFLOAT16.add(f64, asDoubles, viaDoubles, 0, values.length, true);
        assertArrayEquals(viaFloats, viaDoubles);
        float[] inPlace = values.clone();
        GradientRounding.BFLOAT16.roundInPlace(inPlace, 0, values.length);
        ByteBuffer wire = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        GradientRounding.BFLOAT16.write(f32, values, 0, values.length, wire);
        wire.flip();
        float[] received = new float[values.length];
        GradientRounding.BFLOAT16.read(f32, wire, received, 0, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(viaFloats[i], inPlace[i], "in place, value " + i);
            assertEquals(viaFloats[i], received[i], "over the wire, value " + i);
            assertEquals(values[i], viaFloats[i], Math.abs(values[i]) * 0x1p-8, "within half a bfloat16 ulp");
        }
    }
}
