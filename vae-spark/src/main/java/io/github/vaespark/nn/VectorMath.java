package io.github.vaespark.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exp-heavy float32 element-wise kernels (sigmoid, Bernoulli log-likelihood and gradient)
 * with the JDK Vector API. Every lane computes exactly what the scalar code computes with
 * {@link FastMath#exp(float)} (the same IEEE operations in the same order), and lane sums are
 * added in a fixed order, so results do not depend on JIT compilation or vector width.
 * Only call it when {@link VectorSupport#AVAILABLE}: without {@code --add-modules=jdk.incubator.vector}
 * this class cannot even be loaded. The double overloads handle nothing (float64 stays scalar).
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Vectors per partial sum: short float sums, and lane products of (1 + e^-|o|) below 2^64. */
    private static final int RUN = 64;

    private VectorMath() {
    }

    /** Lanes of {@link FastMath#exp(float)}. */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(FastMath.MIN_ARG).min(FastMath.MAX_ARG);
        FloatVector r = c.mul(FastMath.LOG2E).add(FastMath.ROUND);
        FloatVector k = r.sub(FastMath.ROUND);
        IntVector ki = ((IntVector) r.reinterpretAsInts()).sub(FastMath.ROUND_BITS);
        FloatVector f = c.sub(k.mul(FastMath.LN2_HI)).sub(k.mul(FastMath.LN2_LO));
        FloatVector p = f.mul(FastMath.P0).add(FastMath.P1).mul(f).add(FastMath.P2).mul(f).add(FastMath.P3).mul(f)
                .add(FastMath.P4).mul(f).add(FastMath.P5);
        p = p.mul(f.mul(f)).add(f).add(1f);
        return p.mul(ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    /** out[i] = e^in[i] for the vector-aligned start of [0, n); returns where it stopped. */
    static int exp(float[] in, float[] out, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            exp(FloatVector.fromArray(F, in, i)).intoArray(out, i);
        }
        return i;
    }

    /** d[i] = 1 / (1 + e^(-d[i])) for the vector-aligned start of [from, to); returns where it stopped. */
    static int sigmoid(float[] d, int from, int to) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = from;
        for (int bound = from + F.loopBound(to - from); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, d, i);
            one.div(one.add(exp(v.neg()))).intoArray(d, i);
        }
        return i;
    }

    static int sigmoid(double[] d, int from, int to) {
        return from;
    }

    /**
     * The vector-aligned start of a Bernoulli column: adds Σ max(o, 0) − x·o + log(1 + e^(−|o|))
     * over logits {@code l[lb …]} and targets {@code x[xb …]} to {@code sum[0]} and, with
     * {@code gradient}, replaces each logit by sigmoid(o) − x, computed as the scalar loop does.
     *
     * @return how many of the {@code rows} elements it handled
     */
    static int bernoulli(float[] l, int lb, float[] x, int xb, int rows, boolean gradient, double[] sum) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        float[] lanes = new float[F.length()];
        FloatVector linear = FloatVector.zero(F);
        FloatVector product = one;
        double total = 0;
        int bound = F.loopBound(rows);
        int i = 0;
        for (int n = 1; i < bound; i += F.length(), n++) {
            FloatVector o = FloatVector.fromArray(F, l, lb + i);
            FloatVector xi = FloatVector.fromArray(F, x, xb + i);
            FloatVector e = exp(o.abs().neg());
            linear = linear.add(o.max(0f).sub(xi.mul(o)));
            product = product.mul(one.add(e));
            if (gradient) {
                FloatVector inv = one.div(one.add(e));
                inv.blend(e.mul(inv), o.lt(0f)).sub(xi).intoArray(l, lb + i);
            }
            if (n % RUN == 0 || i + F.length() >= bound) {
                total += sumLanes(linear, lanes) + sumLogLanes(product, lanes);
                linear = FloatVector.zero(F);
                product = one;
            }
        }
        sum[0] += total;
        return i;
    }

    static int bernoulli(double[] l, int lb, double[] x, int xb, int rows, boolean gradient, double[] sum) {
        return 0;
    }

    private static double sumLanes(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        double s = 0;
        for (float lane : lanes) {
            s += lane;
        }
        return s;
    }

    private static double sumLogLanes(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        double s = 0;
        for (float lane : lanes) {
            s += Math.log(lane);
        }
        return s;
    }
}
