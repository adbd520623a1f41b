package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import breeze.linalg.DenseMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vectorised element-wise kernels (Vector API part plus scalar tail): within float accuracy of
 * the formulas evaluated in double, and bit for bit what the scalar code computes, element by
 * element, so that results do not depend on the JIT or on the vector width.
 */
class VectorMathTest {

    @org.junit.jupiter.api.Test
    void vectorExpEqualsScalarExpBitForBit() {
        assumeTrue(VectorSupport.AVAILABLE, "runs with --add-modules=jdk.incubator.vector");
        SplittableRandom r = new SplittableRandom(9);
        float[] in = new float[4096];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (i < 8 ? new double[] {0, -0.0, 1e-30, -1e-30, 88.3, -87.3, 200, -200}[i]
                    : 60 * (r.nextDouble() - 0.5));
        }
        float[] out = new float[in.length];
        int vectorised = VectorMath.exp(in, out, in.length);
        assertTrue(vectorised >= in.length - 64, "the vector part covered " + vectorised);
        for (int i = 0; i < vectorised; i++) {
            assertEquals(Float.floatToRawIntBits(FastMath.exp(in[i])), Float.floatToRawIntBits(out[i]), "exp(" + in[i] + ")");
            double exact = Math.exp(Math.max(FastMath.MIN_ARG, Math.min(FastMath.MAX_ARG, in[i])));
            assertEquals(exact, out[i], 2.5e-7 * exact, "exp(" + in[i] + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 37, 784})
    void bernoulliLossAndGradientMatchTheFormula(int rows) {
        assumeTrue(VectorSupport.AVAILABLE, "runs with --add-modules=jdk.incubator.vector");
        int cols = 3;
        SplittableRandom r = new SplittableRandom(rows);
        float[] logits = new float[rows * cols];
        float[] x = new float[rows * cols];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (r.nextDouble() < 0.1 ? 40 * (r.nextDouble() - 0.5) : 3 * r.nextGaussian());
            x[i] = (float) (r.nextDouble() < 0.3 ? 0 : r.nextDouble());
        }
        float[] original = logits.clone();
        Kernels<float[]> k = Float32Kernels.INSTANCE;
        DenseMatrix<?> l = k.matrix(logits, 0, rows, cols);
        double[] perColumn = new double[cols];
        double total = k.bernoulliNll(l, k.matrix(x, 0, rows, cols), true, perColumn);

        double expectedTotal = 0;
        for (int j = 0; j < cols; j++) {
            double column = 0;
            for (int i = j * rows; i < (j + 1) * rows; i++) {
                double o = original[i];
                column += Math.max(o, 0) - x[i] * o + Math.log1p(Math.exp(-Math.abs(o)));
                assertEquals(1 / (1 + Math.exp(-o)) - x[i], logits[i], 2e-7, "gradient " + i);
                float e = FastMath.exp(-Math.abs(original[i]));
                float inv = 1f / (1f + e);
                assertEquals((original[i] < 0 ? e * inv : inv) - x[i], logits[i], 0f, "as the scalar loop, " + i);
            }
            assertEquals(column, perColumn[j], 1e-5 * Math.abs(column) + 1e-6, "column " + j);
            expectedTotal += column;
        }
        assertEquals(expectedTotal, total, 1e-5 * Math.abs(expectedTotal));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 37, 784})
    void sigmoidMatchesTheFormula(int rows) {
        assumeTrue(VectorSupport.AVAILABLE, "runs with --add-modules=jdk.incubator.vector");
        SplittableRandom r = new SplittableRandom(rows);
        float[] values = new float[rows * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (10 * r.nextGaussian());
        }
        float[] original = values.clone();
        Float32Kernels.INSTANCE.sigmoid(Float32Kernels.INSTANCE.matrix(values, 0, rows, 2));
        for (int i = 0; i < values.length; i++) {
            assertEquals(1 / (1 + Math.exp(-original[i])), values[i], 1e-7, "element " + i);
            assertEquals(1f / (1f + FastMath.exp(-original[i])), values[i], 0f, "as the scalar loop, " + i);
        }
    }
}
