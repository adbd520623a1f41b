package io.github.vaespark.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementLoops} on float32 through the Vector API: 16 lanes with AVX-512, 8 with AVX2; exp
 * and log1p are the JDK's vectorised intrinsics. The last partial register is a masked one, so
 * every element goes through the same arithmetic. Loaded only when the module is present.
 */
final class VectorElementLoops implements ElementLoops<float[]> {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Registers of loss summed in float32 before the sum moves to double (128 terms a lane). */
    private static final int FLUSH = 128;

    VectorElementLoops() {
        if (SPECIES.length() < 8) {
            throw new IllegalStateException("only " + SPECIES.length() + " float lanes");
        }
    }

    int lanes() {
        return SPECIES.length();
    }

    @Override
    public double bernoulliNll(float[] logits, int lb, float[] x, int xb, int rows, boolean gradient) {
        double total = 0;
        FloatVector sum = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(rows);
        int i = 0;
        for (int registers = 1; i < bound; i += SPECIES.length(), registers++) {
            FloatVector o = FloatVector.fromArray(SPECIES, logits, lb + i);
            FloatVector xi = FloatVector.fromArray(SPECIES, x, xb + i);
            FloatVector e = expMinusAbs(o);
            sum = sum.add(softplusMinusXo(o, xi, e));
            if (gradient) {
                sigmoid(o, e).sub(xi).intoArray(logits, lb + i);
            }
            if (registers % FLUSH == 0) {
                total += sum.reduceLanes(VectorOperators.ADD);
                sum = FloatVector.zero(SPECIES);
            }
        }
        if (i < rows) {
            VectorMask<Float> inRange = SPECIES.indexInRange(i, rows);
            FloatVector o = FloatVector.fromArray(SPECIES, logits, lb + i, inRange);
            FloatVector xi = FloatVector.fromArray(SPECIES, x, xb + i, inRange);
            FloatVector e = expMinusAbs(o);
            sum = sum.add(softplusMinusXo(o, xi, e), inRange);
            if (gradient) {
                sigmoid(o, e).sub(xi).intoArray(logits, lb + i, inRange);
            }
        }
        return total + sum.reduceLanes(VectorOperators.ADD);
    }

    /** e = exp(-|o|), in (0, 1]. */
    private static FloatVector expMinusAbs(FloatVector o) {
        return o.abs().neg().lanewise(VectorOperators.EXP);
    }

    /** softplus(o) - x·o = max(o, 0) - x·o + log1p(e). */
    private static FloatVector softplusMinusXo(FloatVector o, FloatVector x, FloatVector e) {
        return o.max(0f).sub(x.mul(o)).add(e.lanewise(VectorOperators.LOG1P));
    }

    /** sigmoid(o) = 1 / (1 + e) for o >= 0, e / (1 + e) below. */
    private static FloatVector sigmoid(FloatVector o, FloatVector e) {
        FloatVector inv = FloatVector.broadcast(SPECIES, 1f).div(e.add(1f));
        return e.mul(inv).blend(inv, o.compare(VectorOperators.GE, 0f));
    }

    @Override
    public void sigmoid(float[] d, int from, int to) {
        int bound = from + SPECIES.loopBound(to - from);
        int i = from;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector o = FloatVector.fromArray(SPECIES, d, i);
            sigmoid(o, expMinusAbs(o)).intoArray(d, i);
        }
        if (i < to) {
            VectorMask<Float> inRange = SPECIES.indexInRange(i, to);
            FloatVector o = FloatVector.fromArray(SPECIES, d, i, inRange);
            sigmoid(o, expMinusAbs(o)).intoArray(d, i, inRange);
        }
    }
}
