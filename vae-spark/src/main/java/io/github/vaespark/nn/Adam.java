package io.github.vaespark.nn;

import java.io.Serializable;

/**
 * The Adam optimiser (Kingma &amp; Ba), in double precision, with PyTorch's update rule:
 * p -= lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + ε).
 */
public final class Adam implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Default first-moment decay. */
    public static final double BETA1 = 0.9;
    /** Default second-moment decay. */
    public static final double BETA2 = 0.999;
    /** Default denominator guard. */
    public static final double EPSILON = 1e-8;

    private final double learningRate;
    private final double[] m;
    private final double[] v;
    private long step;

    public Adam(int numParams, double learningRate) {
        this(learningRate, new double[numParams], new double[numParams], 0);
    }

    /** Restores an optimiser from a saved state. */
    public Adam(double learningRate, double[] firstMoment, double[] secondMoment, long step) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("stepSize must be a positive finite number but was " + learningRate);
        }
        if (firstMoment.length != secondMoment.length) {
            throw new IllegalArgumentException("Adam moments differ in length");
        }
        this.learningRate = learningRate;
        this.m = firstMoment;
        this.v = secondMoment;
        this.step = step;
    }

    /** Applies one update to {@code params} in place, given the mean gradient. */
    public void update(double[] params, double[] gradient) {
        if (params.length != m.length || gradient.length != m.length) {
            throw new IllegalArgumentException("Expected " + m.length + " parameters");
        }
        step++;
        double correction1 = 1 - Math.pow(BETA1, step);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(BETA2, step));
        double stepSize = learningRate / correction1;
        Chunks.forEach(params.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                double g = gradient[i];
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                params[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / sqrtCorrection2 + EPSILON);
            }
        });
    }

    public double learningRate() {
        return learningRate;
    }

    /** Number of updates applied so far. */
    public long step() {
        return step;
    }

    /** The first-moment estimate (live array; copy before keeping). */
    public double[] firstMoment() {
        return m;
    }

    /** The second-moment estimate (live array; copy before keeping). */
    public double[] secondMoment() {
        return v;
    }
}
