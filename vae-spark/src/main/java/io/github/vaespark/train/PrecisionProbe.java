package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Bfloat16Kernels;
import io.github.vaespark.nn.Float32Kernels;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures, on the machine it runs on, what {@code precision=auto} needs to choose (see
 * {@link PrecisionChoice}): on a sample of the training rows laid out as one training chunk, the
 * bfloat16 rounding noise of each feature, the -ELBO and gradient at the initial weights in
 * bfloat16 against float32, and the chunk's forward and backward time in each (best of
 * {@link #TIMED_PAIRS} alternating runs after {@link #WARM_RUNS} each). Costs a few dozen chunks' time.
 */
public final class PrecisionProbe {
    /** Untimed runs of each precision first: oneDNN's primitives, the JIT, first-touch pages. */
    static final int WARM_RUNS = 2;
    /** Timed runs of each precision, alternating. */
    static final int TIMED_PAIRS = 3;

    private PrecisionProbe() {
    }

    /** The choice where bfloat16 cannot run natively in this JVM: float32, saying why. */
    public static PrecisionChoice notNative() {
        return PrecisionChoice.float32Because("bfloat16 is not native here: " + OneDnn.description());
    }

    /**
     * The choice for {@code layout} trained in chunks of {@code chunkRows} columns.
     *
     * @param rows sample rows (decoded features; reused cyclically if fewer than {@code chunkRows})
     * @param seed the fit's seed: initial weights and latent noise as the fit draws them
     */
    public static PrecisionChoice run(VaeLayout layout, List<double[]> rows, int chunkRows, long seed) {
        if (!OneDnn.platformSupportsBf16()) {
            return notNative();
        }
        if (rows.isEmpty()) {
            return PrecisionChoice.float32Because("no valid row to probe bfloat16 with");
        }
        OneDnn.prepareInBackground();  // loads oneDNN while the float32 chunk runs
        int n = Math.max(1, chunkRows);
        double[] initial = ParameterInit.initialize(layout, seed);
        Chunk float32 = new Chunk(layout, Float32Kernels.INSTANCE, rows, n, initial, seed);
        LossSums f = float32.gradient();
        if (!Bfloat16Kernels.INSTANCE.nativeBf16()) {
            return notNative();
        }
        Chunk bfloat16 = new Chunk(layout, Bfloat16Kernels.INSTANCE, rows, n, initial, seed);
        LossSums b = bfloat16.gradient();
        double fLoss = f.reconstruction() + f.kl();
        double bLoss = b.reconstruction() + b.kl();
        double lossDifference = Math.abs(bLoss - fLoss) / Math.max(Math.abs(fLoss), Double.MIN_NORMAL);
        double cosine = cosine(float32.grad, bfloat16.grad);
        for (int i = 1; i < WARM_RUNS; i++) {
            float32.gradient();
            bfloat16.gradient();
        }
        double fBest = Double.POSITIVE_INFINITY;
        double bBest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < TIMED_PAIRS; i++) {
            fBest = Math.min(fBest, float32.millis());
            bBest = Math.min(bBest, bfloat16.millis());
        }
        return PrecisionChoice.decide(fBest, bBest, roundingNoise(rows, layout.dataDim()), lossDifference, cosine);
    }

    /**
     * The largest, over features that are not constant in {@code rows}, of the mean squared
     * difference between a value and its bfloat16 rounding, divided by the feature's variance.
     */
    static double roundingNoise(List<double[]> rows, int dim) {
        double worst = 0;
        for (int j = 0; j < dim; j++) {
            // Two passes: the variance around the mean, which E[x²] − E[x]² loses for values far from zero.
            double sum = 0;
            boolean constant = true;
            for (double[] row : rows) {
                sum += row[j];
                constant &= row[j] == rows.get(0)[j];
            }
            if (constant) {
                continue;  // its "variance" would be the rounding of the sum alone
            }
            double mean = sum / rows.size();
            double squares = 0;
            double error = 0;
            for (double[] row : rows) {
                double v = row[j];
                squares += (v - mean) * (v - mean);
                double e = v - GradientRounding.round(v);
                error += e * e;
            }
            double variance = squares / rows.size();
            if (variance > 0) {
                worst = Math.max(worst, error / rows.size() / variance);
            }
        }
        return worst;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 && bb == 0 ? 1 : dot / Math.sqrt(aa * bb);
    }

    /** One training chunk of the sample rows, with fixed latent noise, in one precision. */
    private static final class Chunk {
        private final VaeNetwork<float[]> net;
        private final Workspace<float[]> ws;
        private final float[] params;
        private final float[] grad;
        private final DenseMatrix<?> x;

        Chunk(VaeLayout layout, Kernels<float[]> k, List<double[]> rows, int n, double[] initial, long seed) {
            net = new VaeNetwork<>(layout, k);
            ws = net.newWorkspace(n);
            params = k.fromDoubles(initial);
            grad = k.allocate(layout.numParams());
            x = ws.input(n);
            DenseMatrix<?> eps = ws.epsilon(n);
            SplittableRandom noise = new SplittableRandom(seed);
            double[] e = new double[layout.latentDim()];
            for (int j = 0; j < n; j++) {
                k.setColumn(x, j, rows.get(j % rows.size()));
                for (int i = 0; i < e.length; i++) {
                    e[i] = noise.nextGaussian();
                }
                k.setColumn(eps, j, e);
            }
        }

        /** The chunk's loss sums at the initial weights; {@link #grad} holds their gradient. */
        LossSums gradient() {
            return net.gradientInto(params, x, ws, 1.0, grad, null);  // as a training chunk does
        }

        double millis() {
            long start = System.nanoTime();
            gradient();
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
