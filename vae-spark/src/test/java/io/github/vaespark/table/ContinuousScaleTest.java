package io.github.vaespark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The continuous columns' normalisations: the quantile map is monotone, sends the training values
 * to about N(0, 1) and back (tied values exactly; the extreme 0.05 % of probability at either end
 * maps to its bound), clamps to the training range both ways; the standard scaling is
 * (x - mean) / sd and back; the search of the quantiles counts the entries strictly below a value.
 */
class ContinuousScaleTest {

    /** 201 quantiles of a skewed sample with a heavy tie (a third of the values are 0). */
    private static ContinuousScale skewed() {
        SplittableRandom random = new SplittableRandom(3);
        double[] values = new double[3000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 == 0 ? 0 : Math.exp(random.nextGaussian());
        }
        double[] q = TableProfiler.quantilesOf(values);
        return ContinuousScale.quantile(q, q[0], q[q.length - 1]);
    }

    @Test
    void theQuantileMapIsMonotoneAndRoundTrips() {
        ContinuousScale scale = skewed();
        // Probabilities are kept in [P_MIN, 1 - P_MIN]: the extreme 0.05 % of the range maps to the bounds.
        double top = scale.forward(scale.max());
        double bottom = scale.forward(scale.min());
        assertEquals(Math.sqrt(2) * org.apache.commons.math3.special.Erf.erfInv(1 - 2 * ContinuousScale.P_MIN), top,
                1e-12);
        double previous = Double.NEGATIVE_INFINITY;
        for (double x = -1; x <= scale.max() + 1; x += 0.01) {
            double v = scale.forward(x);
            assertTrue(v >= previous, "monotone at " + x);
            assertTrue(Math.abs(v) < 3.4, "within about ±3.3 at " + x + ": " + v);
            previous = v;
            double c = Math.min(scale.max(), Math.max(scale.min(), x));
            if (c > 0 && v < top && v > bottom) {
                assertEquals(c, scale.inverse(v), 1e-9 * (1 + c), "round trip of " + x);
            }
        }
        // A third of the rows are 0: 0 maps into the middle of its probability range and back exactly.
        double zero = scale.forward(0);
        assertTrue(zero < -0.4 && zero > -1.1, "0 holds the lowest third: " + zero);
        assertEquals(0.0, scale.inverse(zero));
        assertEquals(bottom, scale.forward(-5), "clamped to the training minimum");
        assertEquals(top, scale.forward(1e9), "clamped to the training maximum");
        assertEquals(scale.max(), scale.inverse(40));
        assertEquals(scale.min(), scale.inverse(Double.NEGATIVE_INFINITY));
        assertEquals(scale.max(), scale.inverse(Double.POSITIVE_INFINITY));
        assertEquals(scale.inverse(0), scale.inverse(Double.NaN), "NaN decodes as the median");
    }

    @Test
    void theQuantileMapMakesTheTrainingValuesStandardNormal() {
        SplittableRandom random = new SplittableRandom(5);
        double[] values = new double[20_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextBoolean() ? random.nextGaussian() - 4 : 3 * random.nextGaussian() + 6;
        }
        double[] q = TableProfiler.quantilesOf(values.clone());
        ContinuousScale scale = ContinuousScale.quantile(q, q[0], q[q.length - 1]);
        double sum = 0;
        double squares = 0;
        for (double x : values) {
            double v = scale.forward(x);
            sum += v;
            squares += v * v;
        }
        double mean = sum / values.length;
        double variance = squares / values.length - mean * mean;
        assertEquals(0, mean, 0.02, "mean of the normalised bimodal column");
        assertEquals(1, variance, 0.05, "variance of the normalised bimodal column");
    }

    @Test
    void theStandardScalingIsAffineAndClamped() {
        ContinuousScale scale = ContinuousScale.standard(10, 2, 4, 20);
        assertEquals("standard", scale.method());
        assertEquals(1.5, scale.forward(13), 1e-15);
        assertEquals(-3, scale.forward(-100), 1e-15, "clamped to the training minimum 4");
        assertEquals(13, scale.inverse(1.5), 1e-12);
        assertEquals(20, scale.inverse(50), "clamped to the training maximum");
        assertEquals(1.0, ContinuousScale.standard(0, 0, -1, 1).sd(), "sd 0 is taken as 1");
    }

    @Test
    void countBelowCountsTheEntriesStrictlyBelowTiesAndAllIncluded() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n = 0; n <= 40; n++) {
            double[] sorted = new double[n];
            for (int i = 0; i < n; i++) {
                sorted[i] = random.nextInt(6);  // many ties
            }
            java.util.Arrays.sort(sorted);
            for (double v = -1; v <= 7; v += 0.5) {
                int expected = 0;
                while (expected < n && sorted[expected] < v) {
                    expected++;
                }
                assertEquals(expected, ContinuousScale.countBelow(sorted, v), "n " + n + ", v " + v);
            }
            assertEquals(0, ContinuousScale.countBelow(sorted, Double.NaN), "NaN is below nothing");
        }
    }
}
