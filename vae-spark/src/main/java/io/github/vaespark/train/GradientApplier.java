package io.github.vaespark.train;

import io.github.vaespark.nn.Adam;
import io.github.vaespark.nn.Chunks;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.LossSums;
import java.util.stream.IntStream;

/**
 * The driver's half of a step: average the partitions' gradient sums (added in partition order),
 * check that loss and gradient are finite, optionally clip, and apply Adam to the training state.
 * Either to the whole vector at once ({@link #applyWhole}), or segment by segment while the
 * partitions still compute later segments ({@link #beginStep}, {@link #applySegment},
 * {@link #finishStep}); both give bit-identical weights.
 */
public final class GradientApplier {
    /** Elements per piece of a segment or shard update: its gradient scratch stays in cache. */
    public static final int PIECE = 1 << 14;

    private final TrainingConfig config;
    private final TrainingState state;
    private final int stepsPerEpoch;
    /** The mean gradient of the segments being updated (allocated once, on first use). */
    private double[] scratch;

    GradientApplier(TrainingConfig config, TrainingState state, int stepsPerEpoch) {
        this.config = config;
        this.state = state;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    public TrainingState state() {
        return state;
    }

    /** Whether updates need the global gradient norm, so that the whole gradient must be there first. */
    public boolean needsWholeGradient() {
        return config.maxGradNorm() > 0;
    }

    /** How the partitions' gradient sums enter the ordered sum (exchangePrecision). */
    public GradientRounding gradientRounding() {
        return config.gradientRounding();
    }

    /**
     * Applies one step given the ordered sum of the partitions' gradient sums (scaled in place to
     * the mean gradient).
     */
    public void applyWhole(double[] gradient, LossSums loss, int epoch, int step) {
        double objective = loss.reconstruction() + loss.kl();
        double scale = 1.0 / loss.rows();
        double squaredNorm = Chunks.sum(gradient.length, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                gradient[i] *= scale;
                s += gradient[i] * gradient[i];
            }
            return s;
        });
        if (!Double.isFinite(objective) || !Double.isFinite(squaredNorm)) {
            throw diverged(Double.isFinite(objective) ? "gradient" : "loss", epoch, step);
        }
        double norm = Math.sqrt(squaredNorm);
        if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
            double clip = config.maxGradNorm() / norm;
            Chunks.forEach(gradient.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    gradient[i] *= clip;
                }
            });
        }
        state.adam.update(state.params, gradient);
        state.globalStep++;
    }

    /** Starts a step applied segment by segment. */
    public void beginStep() {
        state.adam.beginStep();
    }

    /**
     * Updates parameters [from, to): the mean gradient is the sum of {@code partials} (in order,
     * skipping nulls) times {@code scale}; the new weights are also stored, in the training width,
     * into {@code published}.
     *
     * @return whether that part of the gradient is finite (if not, the step must not be used: training
     *         has diverged)
     */
    public <A> boolean applySegment(Kernels<A> kernels, A[] partials, int from, int to, double scale, A published) {
        if (scratch == null) {
            scratch = new double[state.params.length];
        }
        double[] g = scratch;
        double[] params = state.params;
        Adam adam = state.adam;
        int pieces = (to - from + PIECE - 1) / PIECE;
        int nonFinite = IntStream.range(0, pieces).parallel().map(c -> {
            int a = from + c * PIECE;
            int b = Math.min(to, a + PIECE);
            return updateRange(kernels, partials, g, params, adam, a, b, scale, published,
                    config.gradientRounding()) ? 0 : 1;
        }).sum();
        return nonFinite == 0;
    }

    /**
     * The update of elements [from, to) of a step begun with {@link Adam#beginStep}: {@code g} = the
     * sum of {@code partials} in order (nulls skipped, each rounded as {@code rounding} says) times
     * {@code scale}, then Adam on
     * {@code params}, the new weights stored in the training width into {@code published}. All arrays
     * share the index; the update is element-wise, so any split of a vector into ranges gives the
     * same bits.
     *
     * @return whether the range's gradient is finite (if not, nothing of the range was updated)
     */
    public static <A> boolean updateRange(Kernels<A> kernels, A[] partials, double[] g, double[] params, Adam adam,
                                          int from, int to, double scale, A published,
                                          GradientRounding rounding) {
        boolean first = true;
        for (A partial : partials) {
            if (partial != null) {
                rounding.add(kernels, partial, g, from, to, first);
                first = false;
            }
        }
        if (!Double.isFinite(scaleAndSquare(g, from, to, scale))) {
            return false;
        }
        adam.updateRange(params, g, from, to);
        kernels.storeRange(params, published, from, to);
        return true;
    }

    /**
     * Multiplies {@code g[from, to)} by {@code scale} in place and returns the sum of the squares:
     * not finite when a value is not, or when the squares overflow. Only its finiteness is used, so
     * it is summed in four partial sums rather than one chain of dependent additions (on a 2-core
     * EPYC that takes the driver's update of the 1.08 M parameters of the Fashion-MNIST model from
     * 2.7 to 2.35 ms, one thread).
     */
    static double scaleAndSquare(double[] g, int from, int to, double scale) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double a = g[i] * scale;
            double b = g[i + 1] * scale;
            double c = g[i + 2] * scale;
            double d = g[i + 3] * scale;
            g[i] = a;
            g[i + 1] = b;
            g[i + 2] = c;
            g[i + 3] = d;
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < to; i++) {
            g[i] *= scale;
            s0 += g[i] * g[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Adds one partition's gradient sum, rounded as {@code rounding} says, into {@code sum} (with
     * {@code first}: overwrites it), in parallel chunks. Called in partition order, it gives the
     * ordered sum every exchange uses.
     */
    public static <A> void addPartial(Kernels<A> kernels, A partial, double[] sum, boolean first,
                                      GradientRounding rounding) {
        Chunks.forEach(sum.length, (from, to) -> rounding.add(kernels, partial, sum, from, to, first));
    }

    /** Ends a segment-wise step: checks loss and gradient, counts the step. */
    public void finishStep(LossSums loss, boolean gradientFinite, int epoch, int step) {
        if (!Double.isFinite(loss.reconstruction() + loss.kl())) {
            throw diverged("loss", epoch, step);
        }
        if (!gradientFinite) {
            throw diverged("gradient", epoch, step);
        }
        state.globalStep++;
    }

    /** β at a step of an epoch, with the warm-up applied. */
    public double betaAt(int epoch, int step) {
        return config.betaAt((long) epoch * stepsPerEpoch + step, stepsPerEpoch);
    }

    /**
     * The error that ends a fit whose {@code what} ("loss" or "gradient") was not finite at a step
     * (0-based epoch and step).
     */
    public DivergedException diverged(String what, int epoch, int step) {
        String hint = "Try a smaller stepSize (now " + config.stepSize() + ")"
                + (config.maxGradNorm() > 0 ? "" : ", set maxGradNorm (e.g. 10)")
                + (config.layout().likelihood() == Likelihood.GAUSSIAN
                ? ", or standardise the features (StandardScaler)" : "")
                + ".";
        return new DivergedException(String.format(
                "Training diverged at epoch %d/%d, step %d/%d: the %s is not finite. %s No model was returned.",
                epoch + 1, config.maxEpochs(), step + 1, stepsPerEpoch, what, hint), epoch + 1, step + 1);
    }
}
