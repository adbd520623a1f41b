package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Precision;
import org.junit.jupiter.api.Test;

/** The driver's element-wise update: scaling, the finiteness check and Adam on a range. */
class GradientApplierTest {

    @Test
    void scalesEveryValueAndSumsTheSquares() {
        for (int length : new int[] {0, 1, 3, 4, 5, 17}) {
            double[] g = new double[length + 2];
            double[] expected = g.clone();
            double squares = 0;
            for (int i = 1; i <= length; i++) {
                g[i] = Math.sin(i) * 3;
                expected[i] = g[i] * 0.25;
                squares += expected[i] * expected[i];
            }
            double sum = GradientApplier.scaleAndSquare(g, 1, length + 1, 0.25);
            assertArrayEquals(expected, g, "values outside [from, to) untouched, those inside scaled exactly");
            assertEquals(squares, sum, 1e-12 * Math.max(1, squares), "length " + length);
        }
    }

    @Test
    void aNonFiniteValueAnywhereOrAnOverflowMakesTheSumNonFinite() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            for (int at = 0; at < 7; at++) {  // in each of the four partial sums and in the tail
                double[] g = {1, 2, 3, 4, 5, 6, 7};
                g[at] = bad;
                assertFalse(Double.isFinite(GradientApplier.scaleAndSquare(g, 0, g.length, 1)), bad + " at " + at);
            }
        }
        assertFalse(Double.isFinite(GradientApplier.scaleAndSquare(new double[] {1e200, 1}, 0, 2, 1)),
                "a square beyond double's range");
    }

    @Test
    void aRangeWithANonFiniteGradientIsLeftAsItWas() {
        @SuppressWarnings("unchecked")
        Kernels<float[]> f32 = (Kernels<float[]>) Precision.FLOAT32.kernels();
        float[][] partials = {{1, 2, 3, 4, 5}, {1, Float.NaN, 3, 4, 5}};
        double[] params = {1, 1, 1, 1, 1};
        float[] published = new float[5];
        Adam adam = new Adam(5, 0.1);
        adam.beginStep();
        assertFalse(GradientApplier.updateRange(f32, partials, new double[5], params, adam, 0, 5, 0.5, published,
                GradientRounding.NONE));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, params);
        assertArrayEquals(new float[5], published);

        partials[1][1] = 2;
        assertTrue(GradientApplier.updateRange(f32, partials, new double[5], params, adam, 0, 5, 0.5, published,
                GradientRounding.NONE));
        for (int i = 0; i < 5; i++) {
            assertEquals(1 - 0.1, params[i], 1e-7, "Adam's first step moves each weight by about the step size");
            assertEquals((float) params[i], published[i]);
        }
    }
}
