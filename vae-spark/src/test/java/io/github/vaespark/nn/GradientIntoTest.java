package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import breeze.linalg.DenseMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link VaeNetwork#gradientInto} (weight products written with GEMM beta 0, the other parameters
 * zeroed and added to) over a gradient vector full of NaNs gives the same loss sums and the same
 * gradient values as {@link VaeNetwork#accumulateGradient} into zeros, also for an empty batch, in
 * float64 and float32, for vector layouts with both likelihoods and a table layout with condition
 * entries (whose first decoder layer splits its weight gradient in two products).
 */
class GradientIntoTest {
    @Test
    void float64VectorLayouts() {
        for (Likelihood likelihood : new Likelihood[] {Likelihood.BERNOULLI, Likelihood.GAUSSIAN}) {
            check(new VaeLayout(9, new int[] {7, 5}, 3, new int[] {6}, Activation.TANH, likelihood),
                    Float64Kernels.INSTANCE, likelihood.name());
        }
    }

    @Test
    void float32VectorLayouts() {
        for (Likelihood likelihood : new Likelihood[] {Likelihood.BERNOULLI, Likelihood.GAUSSIAN}) {
            check(new VaeLayout(9, new int[] {7, 5}, 3, new int[] {6}, Activation.RELU, likelihood),
                    Float32Kernels.INSTANCE, likelihood.name());
        }
    }

    @Test
    void tableLayoutWithConditions() {
        VaeLayout layout = new VaeLayout(GradientCheckTest.tableColumns(), 2, new int[] {6}, 3, new int[] {5},
                Activation.TANH);
        check(layout, Float64Kernels.INSTANCE, "table, float64");
        check(layout, Float32Kernels.INSTANCE, "table, float32");
    }

    @Test
    void anEmptyBatchWritesZeros() {
        VaeLayout layout = new VaeLayout(9, new int[] {7}, 3, new int[] {6}, Activation.RELU, Likelihood.BERNOULLI);
        VaeNetwork<float[]> net = new VaeNetwork<>(layout, Float32Kernels.INSTANCE);
        Workspace<float[]> ws = net.newWorkspace(4);
        float[] params = Float32Kernels.INSTANCE.fromDoubles(ParameterInit.initialize(layout, 2));
        float[] grad = new float[layout.numParams()];
        java.util.Arrays.fill(grad, Float.NaN);
        LossSums sums = net.gradientInto(params, ws.input(0), ws, 1.0, grad, null);
        assertEquals(0, sums.rows());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[layout.numParams()], grad);
    }

    private static <A> void check(VaeLayout layout, Kernels<A> k, String what) {
        int n = 13;
        VaeNetwork<A> net = new VaeNetwork<>(layout, k);
        Workspace<A> ws = net.newWorkspace(n);
        DenseMatrix<?> x = ws.input(n);
        DenseMatrix<?> eps = ws.epsilon(n);
        SplittableRandom random = new SplittableRandom(5);
        double[] row = new double[x.rows()];  // modelled entries, then any condition entries
        double[] scratch = new double[layout.latentDim()];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(2);  // 0/1: valid for every kind of entry in these layouts
            }
            k.setColumn(x, j, row);
            LatentNoise.fillColumn(k, eps, j, 9, j, scratch);
        }
        A params = k.fromDoubles(ParameterInit.initialize(layout, 2));
        A accumulated = k.allocate(layout.numParams());
        LossSums expected = net.accumulateGradient(params, x, ws, 0.7, accumulated);
        A written = k.fromDoubles(nans(layout.numParams()));
        LossSums got = net.gradientInto(params, x, ws, 0.7, written, null);
        assertEquals(expected.reconstruction(), got.reconstruction(), what);
        assertEquals(expected.kl(), got.kl(), what);
        double[] a = doubles(accumulated);
        double[] w = doubles(written);
        for (int i = 0; i < a.length; i++) {
            // delta 0: equal values (a product of -0 may stay -0 where adding it to 0 gives +0)
            assertEquals(a[i], w[i], 0.0, what + ": parameter " + i);
        }
    }

    private static double[] nans(int n) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, Double.NaN);
        return out;
    }

    private static double[] doubles(Object array) {
        if (array instanceof double[] d) {
            return d;
        }
        float[] f = (float[]) array;
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }
}
