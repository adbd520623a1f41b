package io.github.vaespark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Bfloat16}: round to nearest, ties to even, with NaN and overflow kept apart. */
class Bfloat16Test {
    private static short bf16(int floatBits) {
        return Bfloat16.fromFloat(Float.intBitsToFloat(floatBits));
    }

    @Test
    void roundsToNearestAndTiesToEven() {
        assertEquals((short) 0x3F80, bf16(0x3F800000), "1.0 is exact");
        assertEquals((short) 0x3F80, bf16(0x3F807FFF), "below half rounds down");
        assertEquals((short) 0x3F81, bf16(0x3F808001), "above half rounds up");
        assertEquals((short) 0x3F80, bf16(0x3F808000), "a tie goes to the even 0x3F80");
        assertEquals((short) 0x3F82, bf16(0x3F818000), "a tie goes to the even 0x3F82");
        assertEquals((short) 0xBF82, bf16(0xBF818000), "negative ties likewise");
        assertEquals((short) 0x4000, bf16(0x3FFF8000), "rounding carries into the exponent");
    }

    @Test
    void keepsInfinityAndNanAndOverflowsToInfinity() {
        assertEquals((short) 0x7F80, Bfloat16.fromFloat(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, Bfloat16.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7F80, Bfloat16.fromFloat(Float.MAX_VALUE), "max float rounds up to infinity");
        assertTrue(Float.isNaN(Bfloat16.toFloat(bf16(0x7F800001))), "a NaN with only low payload bits stays NaN");
        assertTrue(Float.isNaN(Bfloat16.toFloat(Bfloat16.fromFloat(Float.NaN))));
    }

    @Test
    void roundTripLosesAtMostTwoToTheMinusEightRelative() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            float x = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10));
            float back = Bfloat16.toFloat(Bfloat16.fromFloat(x));
            assertTrue(Math.abs(back - x) <= Math.abs(x) * 0x1p-8, x + " -> " + back);
        }
    }
}
