package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Bfloat16Kernels;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the probe behind precision=auto measures. Where the CPU has native bfloat16 the checks run on
 * real figures; elsewhere the probe must choose float32 without measuring, and the test says which ran.
 */
class PrecisionProbeTest {
    private static final VaeLayout LAYOUT = new VaeLayout(16, new int[] {32}, 4, new int[] {32}, Activation.RELU,
            Likelihood.BERNOULLI);

    private static List<double[]> rows(int n, int dim, java.util.function.DoubleUnaryOperator shape) {
        SplittableRandom r = new SplittableRandom(5);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] row = new double[dim];
            for (int j = 0; j < dim; j++) {
                row[j] = shape.applyAsDouble(r.nextDouble());
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void roundingNoiseIsSmallForUnitScaleFeaturesAndLargeForAnOffsetOne() {
        double pixels = PrecisionProbe.roundingNoise(rows(200, 16, u -> u), 16);
        // A year-like feature: 2000 plus 0..19; bfloat16 steps by 8 or 16 there.
        double years = PrecisionProbe.roundingNoise(rows(200, 16, u -> 2000 + Math.floor(20 * u)), 16);
        System.out.printf("PrecisionProbeTest: rounding noise, unit-scale %.2e, year-like %.2e%n", pixels, years);
        assertTrue(pixels < 1e-4, "unit-scale " + pixels);
        assertTrue(years > PrecisionChoice.MAX_ROUNDING_NOISE, "year-like " + years);
        assertEquals(0, PrecisionProbe.roundingNoise(rows(50, 16, u -> 3.0), 16), "constant features are ignored");
        // Also where the constant's mean does not come out exactly (a quantile-scaled table column whose
        // first rows share one value): the variance of the sum's rounding is not the feature's.
        List<double[]> oneConstant = rows(33, 16, u -> u);
        for (double[] row : oneConstant) {
            row[3] = -0.9674012345678901;
        }
        double withConstant = PrecisionProbe.roundingNoise(oneConstant, 16);
        assertTrue(withConstant < 1e-4, "a feature constant in the chunk is ignored: " + withConstant);
        // Epoch milliseconds a second apart: bfloat16 steps by 2^33 there. The variance is taken
        // around the mean: E[x²] − E[x]² comes out at −2^31 for these rows, which skipped the feature.
        List<double[]> epochMillis = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double[] row = new double[16];
            java.util.Arrays.fill(row, 1.7e12 + (i % 2 == 0 ? 0 : 1000));
            epochMillis.add(row);
        }
        double times = PrecisionProbe.roundingNoise(epochMillis, 16);
        assertTrue(times > PrecisionChoice.MAX_ROUNDING_NOISE, "timestamp-like " + times);
    }

    @Test
    void measuresBothPrecisionsWhereNativeElseChoosesFloat32() {
        PrecisionChoice c = PrecisionProbe.run(LAYOUT, rows(100, 16, u -> u < 0.5 ? 0 : u), 128, 7);
        System.out.println("PrecisionProbeTest ran " + (Bfloat16Kernels.INSTANCE.nativeBf16() ? "natively"
                : "ON A CPU WITHOUT NATIVE BFLOAT16") + ": " + c.reason());
        if (!OneDnn.platformSupportsBf16() || !Bfloat16Kernels.INSTANCE.nativeBf16()) {
            assertEquals(Precision.FLOAT32, c.chosen());
            assertTrue(c.reason().contains("not native"), c.reason());
            assertTrue(Double.isNaN(c.float32Millis()), "nothing is timed");
            return;
        }
        assertTrue(c.float32Millis() > 0 && c.bfloat16Millis() > 0, c.reason());
        assertTrue(c.roundingNoise() < 1e-4, c.reason());
        assertTrue(c.lossDifference() > 0 && c.lossDifference() < 0.01, "bfloat16 products change the loss a little: "
                + c.reason());
        assertTrue(c.gradientCosine() > 0.99 && c.gradientCosine() < 1, c.reason());
        assertEquals(PrecisionChoice.decide(c.float32Millis(), c.bfloat16Millis(), c.roundingNoise(),
                c.lossDifference(), c.gradientCosine()).chosen(), c.chosen());
    }

    @Test
    void blurredFeaturesGiveFloat32WhereNative() {
        PrecisionChoice c = PrecisionProbe.run(LAYOUT, rows(100, 16, u -> 2000 + Math.floor(20 * u)), 128, 7);
        assertEquals(Precision.FLOAT32, c.chosen(), c.reason());
        if (Bfloat16Kernels.INSTANCE.nativeBf16()) {
            assertTrue(c.reason().contains("blur a feature"), c.reason());
        }
    }
}
