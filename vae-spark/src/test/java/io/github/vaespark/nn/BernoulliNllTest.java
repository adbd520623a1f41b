package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import breeze.linalg.DenseMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Bernoulli kernels against the textbook form softplus(o) − x·o with sigmoid(o) − x, on logits
 * of both signs, zeros of both signs, and magnitudes from tiny to beyond exp's range: float64 gives
 * it bit for bit; float32 (a vectorisable float exponential, runs summed in float) within a stated
 * tolerance of the float64 reference: per column 1e-6 of the sum of the terms' magnitudes, and 5e-7
 * on each gradient element and each sigmoid (float32's own rounding of values near 1 is 6e-8; the
 * exponential's five squarings amplify its rounding to ~3e-6 relative).
 */
class BernoulliNllTest {
    private static final int ROWS = 131;  // more than one run of factors, and a partial run
    private static final int COLS = 7;

    @Test
    void float32MatchesTheBranchingReference() {
        double[] logits = logits();
        double[] x = targets();
        float[] l = new float[logits.length];
        float[] xs = new float[x.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) logits[i];
            xs[i] = (float) x[i];
        }
        double[] lRef = new double[l.length];
        double[] xRef = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            lRef[i] = l[i];
            xRef[i] = xs[i];
        }
        double[] perColumnRef = new double[COLS];
        double totalRef = reference(lRef, xRef, perColumnRef);
        Float32Kernels k = Float32Kernels.INSTANCE;
        double[] perColumn = new double[COLS];
        double total = k.bernoulliNll(k.matrix(l, 0, ROWS, COLS), k.matrix(xs, 0, ROWS, COLS), true, perColumn);
        double totalScale = 0;
        for (int j = 0; j < COLS; j++) {
            double scale = 0;
            for (int i = 0; i < ROWS; i++) {
                scale += Math.abs(logits[j * ROWS + i]) + 1;
            }
            totalScale += scale;
            assertEquals(perColumnRef[j], perColumn[j], 1e-6 * scale, "column " + j);
        }
        assertEquals(totalRef, total, 1e-6 * totalScale);
        for (int i = 0; i < l.length; i++) {
            assertEquals(lRef[i], l[i], 5e-7, "gradient at " + i + " for logit " + logits[i]);
        }
        assertEquals(0.5f - xs[0], l[0], "+0 gives sigmoid 1/2 exactly");
        assertEquals(0.5f - xs[1], l[1], "-0 gives sigmoid 1/2 exactly");
        float[] again = new float[l.length];
        for (int i = 0; i < l.length; i++) {
            again[i] = (float) logits[i];
        }
        assertEquals(total, k.bernoulliNll(k.matrix(again, 0, ROWS, COLS), k.matrix(xs, 0, ROWS, COLS), false, null));
        for (int i = 0; i < again.length; i++) {
            assertEquals((float) logits[i], again[i], "without a gradient the logits stay");
        }
    }

    @Test
    void sigmoidIsTheLogisticFunction() {
        double[] v = logits();
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        double[] d = v.clone();
        Float32Kernels.INSTANCE.sigmoid(Float32Kernels.INSTANCE.matrix(f, 0, ROWS, COLS));
        Float64Kernels.INSTANCE.sigmoid(Float64Kernels.INSTANCE.matrix(d, 0, ROWS, COLS));
        for (int i = 0; i < v.length; i++) {
            double exact = 1 / (1 + Math.exp(-(float) v[i]));
            assertEquals(exact, f[i], 5e-7, "float32 sigmoid of " + (float) v[i]);
            assertEquals(1 / (1 + Math.exp(-v[i])), d[i], 1e-15, "float64 sigmoid of " + v[i]);
        }
        assertEquals(0.5f, f[0]);
        assertEquals(0.5f, f[1]);
    }

    @Test
    void float32ExponentialIsAccurate() {
        double worst = 0;
        double worstBelow8 = 0;
        for (int k = 0; k <= 400_000; k++) {
            float v = -24f + k * 48f / 400_000;
            double exact = Math.exp(-Math.abs((double) v));
            double got = ExpMinusAbs.of(v);
            double relative = Math.abs(got / exact - 1);
            if (Math.abs(v) <= 20) {
                worst = Math.max(worst, relative);
            } else {
                assertEquals(Math.exp(-20), got, 1e-5 * Math.exp(-20), "clamped at 20 for " + v);
            }
            if (Math.abs(v) < 8) {
                worstBelow8 = Math.max(worstBelow8, relative);
            }
        }
        assertTrue(worst < 1e-5, "relative error " + worst);
        assertTrue(worstBelow8 < 3e-6, "relative error below 8: " + worstBelow8);
        assertEquals(1f, ExpMinusAbs.of(0f));
        assertEquals(1f, 1 + ExpMinusAbs.of(30f), "1 + e^{-30} is 1 in float");
        for (float v : new float[] {Float.MIN_VALUE, 1e-30f, 0.5f, 3e38f, Float.POSITIVE_INFINITY}) {
            assertEquals(1f, ExpMinusAbs.positive(v), "positive(" + v + ")");
            assertEquals(0f, ExpMinusAbs.positive(-v), "positive(" + -v + ")");
        }
        assertEquals(0f, ExpMinusAbs.positive(0f));
        assertEquals(0f, ExpMinusAbs.positive(-0f));
        assertEquals(1.0, ExpMinusAbs.positive(1e-17), "e^{-1e-17} is 1 in double; above, the mask is exact");
        assertTrue(Float.isNaN(ExpMinusAbs.positive(Float.NaN)));
        assertTrue(Float.isNaN(ExpMinusAbs.of(Float.NaN)));
    }

    @Test
    void float64MatchesTheBranchingReference() {
        double[] l = logits();
        double[] x = targets();
        double[] lRef = l.clone();
        double[] perColumnRef = new double[COLS];
        double totalRef = reference(lRef, x, perColumnRef);
        Float64Kernels k = Float64Kernels.INSTANCE;
        double[] perColumn = new double[COLS];
        DenseMatrix<?> logits = k.matrix(l, 0, ROWS, COLS);
        double total = k.bernoulliNll(logits, k.matrix(x, 0, ROWS, COLS), true, perColumn);
        assertEquals(totalRef, total);
        for (int j = 0; j < COLS; j++) {
            assertEquals(perColumnRef[j], perColumn[j], "column " + j);
        }
        for (int i = 0; i < l.length; i++) {
            assertEquals(lRef[i], l[i], "gradient at " + i);
        }
        double[] again = logits();
        assertEquals(totalRef, k.bernoulliNll(k.matrix(again, 0, ROWS, COLS), k.matrix(x, 0, ROWS, COLS), false, null));
        for (int i = 0; i < again.length; i++) {
            assertEquals(logits()[i], again[i], "without a gradient the logits stay");
        }
    }

    /** The definition, with branches on the sign; the gradient replaces the logits. */
    private static double reference(double[] l, double[] x, double[] perColumn) {
        double total = 0;
        for (int j = 0; j < COLS; j++) {
            double column = 0;
            for (int run = 0; run < ROWS; run += 64) {
                double linear = 0;
                double product = 1;
                for (int i = run; i < Math.min(ROWS, run + 64); i++) {
                    int at = j * ROWS + i;
                    double o = l[at];
                    double e = Math.exp(-Math.abs(o));
                    linear += (o > 0 ? o : 0) - x[at] * o;
                    product *= 1 + e;
                    double inv = 1 / (1 + e);
                    l[at] = (o >= 0 ? inv : e * inv) - x[at];
                }
                column += linear + Math.log(product);
            }
            perColumn[j] += column;
            total += column;
        }
        return total;
    }

    private static double[] logits() {
        SplittableRandom random = new SplittableRandom(17);
        double[] l = new double[ROWS * COLS];
        double[] special = {0.0, -0.0, 1e-30, -1e-30, 745, -745, 3e4, -3e4, 88.7, -88.7};
        for (int i = 0; i < l.length; i++) {
            l[i] = i < special.length ? special[i] : random.nextGaussian() * Math.pow(10, random.nextInt(-3, 3));
        }
        return l;
    }

    private static double[] targets() {
        SplittableRandom random = new SplittableRandom(18);
        double[] x = new double[ROWS * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(3) == 0 ? 0 : random.nextDouble();
        }
        return x;
    }
}
