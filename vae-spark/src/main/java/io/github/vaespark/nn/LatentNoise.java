package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import java.util.SplittableRandom;

/**
 * Standard-normal noise ε for the reparameterisation trick, as a pure function of a stream seed
 * and a row key. A row gets the same ε wherever it is processed, so a gradient does not depend on
 * how rows are split into partitions or chunks.
 */
public final class LatentNoise {
    private LatentNoise() {
    }

    /** Fills column {@code col} of {@code eps} with N(0, 1) draws determined by (seed, rowKey). */
    public static <A> void fillColumn(Kernels<A> kernels, DenseMatrix<?> eps, int col, long seed, long rowKey,
                                      double[] scratch) {
        SplittableRandom random = new SplittableRandom(mix(seed, rowKey));
        for (int i = 0; i < eps.rows(); i++) {
            scratch[i] = random.nextGaussian();
        }
        kernels.setColumn(eps, col, scratch);
    }

    /** A 64-bit key of a row's values, for noise that depends only on the row itself. */
    public static long contentKey(double[] values) {
        long h = 0x243F6A8885A308D3L;
        for (double v : values) {
            h = mix(h, Double.doubleToLongBits(v == 0 ? 0.0 : v));
        }
        return h;
    }

    /** A well-mixed 64-bit combination of two values (SplitMix64 finaliser). */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
