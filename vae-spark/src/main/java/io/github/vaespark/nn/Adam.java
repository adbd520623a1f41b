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
    private double correctedStepSize;
    private double sqrtCorrection2;

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
        beginStep();
        Chunks.forEach(params.length, (from, to) -> updateRange(params, gradient, from, to));
    }

    /**
     * Starts an update that {@link #updateRange} then applies range by range (in any order, from
     * any thread), so that part of the vector can be updated while other gradients are still
     * being computed. The result is the same as one {@link #update}.
     */
    public void beginStep() {
        step++;
        correctedStepSize = learningRate / (1 - Math.pow(BETA1, step));
        sqrtCorrection2 = Math.sqrt(1 - Math.pow(BETA2, step));
    }

    /**
     * Updates {@code params[from, to)} of the step begun by {@link #beginStep}, given the mean
     * gradient in {@code gradient[from, to)}.
     */
    public void updateRange(double[] params, double[] gradient, int from, int to) {
        if (step == 0) {
            throw new IllegalStateException("updateRange before beginStep");
        }
        double stepSize = correctedStepSize;
        double correction2 = sqrtCorrection2;
        double[] m = this.m;
        double[] v = this.v;
        // One index for every array and the moments in locals: the JIT vectorises this loop (sqrt and
        // division included), about 7x faster than a loop that reads m[i] back after storing it.
        for (int i = from; i < to; i++) {
            double g = gradient[i];
            double mi = BETA1 * m[i] + (1 - BETA1) * g;
            double vi = BETA2 * v[i] + (1 - BETA2) * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] -= stepSize * mi / (Math.sqrt(vi) / correction2 + EPSILON);
        }
    }

    /** An independent copy of this optimiser's state. */
    public Adam copy() {
        return new Adam(learningRate, m.clone(), v.clone(), step);
    }

    /** Sets this optimiser's state to that of {@code other} (same size and learning rate). */
    public void restore(Adam other) {
        if (other.m.length != m.length || other.learningRate != learningRate) {
            throw new IllegalArgumentException("Cannot restore Adam state of another shape or learning rate");
        }
        System.arraycopy(other.m, 0, m, 0, m.length);
        System.arraycopy(other.v, 0, v, 0, v.length);
        step = other.step;
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
