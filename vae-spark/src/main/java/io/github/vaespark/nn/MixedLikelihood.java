package io.github.vaespark.nn;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The composite negative log-likelihood of one encoded table row under {@link MixedColumns}, its
 * gradient with respect to the decoder output, the decoder mean and draws from p(x|z). Works on
 * one row at a time in double; the decoder output holds Gaussian means, softmax logits and
 * Bernoulli logits at the segments' positions.
 *
 * <p>Terms: Gaussian ½[log 2π + s + (x - m)² e^{-s}] with s the floored learned log-variance
 * ({@link LogVarianceBounds#DECODER_MIN}); categorical log Σ e^{l} - Σ x_i l_i; Bernoulli
 * softplus(l) - x·l. A segment whose mask entry of x is 1 adds nothing and gets no gradient.
 */
public final class MixedLikelihood {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private MixedLikelihood() {
    }

    /**
     * The Gaussian terms' per-entry constants, which depend on the learned log-variances only:
     * computed once per batch instead of once per row ({@link #nll}).
     */
    public static final class GaussianScales {
        private final double[] precision;
        private final double[] constant;
        private final boolean[] hasGradient;

        private GaussianScales(double[] logVariance) {
            int d = logVariance.length;
            precision = new double[d];
            constant = new double[d];
            hasGradient = new boolean[d];
            for (int i = 0; i < d; i++) {
                double lv = LogVarianceBounds.decoder(logVariance[i]);
                precision[i] = Math.exp(-lv);
                constant[i] = HALF_LOG_2PI + 0.5 * lv;
                hasGradient[i] = LogVarianceBounds.decoderHasGradient(logVariance[i]);
            }
        }

        /** The constants of the raw learned log-variances {@code logVariance} (one per entry). */
        public static GaussianScales of(double[] logVariance) {
            return new GaussianScales(logVariance);
        }
    }

    /**
     * -log p(x|z) of one row.
     *
     * @param out           raw decoder output; with {@code gradient} it is replaced by d(-log p)/d out
     * @param x             the encoded row (entries past the table's dim are ignored)
     * @param logVariance   the raw learned log-variances (one per entry; used at Gaussian entries)
     * @param gradient      whether to write the output gradient into {@code out}
     * @param logVarGrad    if not null, receives the log-variance gradients (added)
     * @param perColumn     if not null, each column's term is added at its index
     * @return the row's negative log-likelihood
     */
    public static double nll(MixedColumns columns, double[] out, double[] x, double[] logVariance,
                             boolean gradient, double[] logVarGrad, double[] perColumn) {
        return nll(columns, out, x, GaussianScales.of(logVariance), gradient, logVarGrad, perColumn);
    }

    /**
     * As {@link #nll(MixedColumns, double[], double[], double[], boolean, double[], double[])} with
     * the Gaussian constants of the log-variances already computed (the form for many rows).
     */
    public static double nll(MixedColumns columns, double[] out, double[] x, GaussianScales scales,
                             boolean gradient, double[] logVarGrad, double[] perColumn) {
        double total = 0;
        // The Bernoulli terms' log(1 + e^{-|l|}), factors in (1, 2], are taken as the log of their
        // product, once per row (every 500 factors at most, far from overflow), where no per-column
        // terms are asked for: within about 1e-16 per factor of the sum of their logs.
        double bernoulliProduct = 1;
        int bernoulliFactors = 0;
        List<MixedColumns.Segment> segments = columns.segments();
        for (int k = 0; k < segments.size(); k++) {
            MixedColumns.Segment s = segments.get(k);
            int a = s.start();
            if (s.mask() >= 0 && x[s.mask()] > 0.5) {
                if (gradient) {
                    java.util.Arrays.fill(out, a, a + s.width(), 0);
                }
                continue;
            }
            double term;
            switch (s.kind()) {
                case GAUSSIAN -> {
                    double r = out[a] - x[a];
                    double rp = r * scales.precision[a];
                    term = scales.constant[a] + 0.5 * r * rp;
                    if (gradient) {
                        out[a] = rp;
                    }
                    if (logVarGrad != null && scales.hasGradient[a]) {
                        logVarGrad[a] += 0.5 - 0.5 * r * rp;
                    }
                }
                case BERNOULLI -> {
                    double o = out[a];
                    double e = Math.exp(-Math.abs(o));
                    term = (o > 0 ? o : 0) - x[a] * o;
                    // log(1 + e) for e in (0, 1]: within 2.3e-16 of log1p(e) (1 + e is rounded once),
                    // and Math.log is an intrinsic where log1p is not (several times its cost).
                    if (perColumn != null) {
                        term += Math.log(1 + e);
                    } else {
                        bernoulliProduct *= 1 + e;
                        if (++bernoulliFactors == 500) {
                            total += Math.log(bernoulliProduct);
                            bernoulliProduct = 1;
                            bernoulliFactors = 0;
                        }
                    }
                    if (gradient) {
                        double inv = 1 / (1 + e);
                        out[a] = (o >= 0 ? inv : e * inv) - x[a];
                    }
                }
                case CATEGORICAL -> term = categorical(out, x, a, a + s.width(), gradient);
                default -> throw new IllegalStateException(s.kind().toString());
            }
            total += term;
            if (perColumn != null) {
                perColumn[s.column()] += term;
            }
        }
        return total + Math.log(bernoulliProduct);
    }

    /**
     * A categorical segment [a, b): log Σ e^{l} weighted by the one-hot's mass, minus Σ x_i l_i;
     * with {@code gradient} the logits become mass·softmax(l) - x, from the same exponentials.
     */
    private static double categorical(double[] out, double[] x, int a, int b, boolean gradient) {
        double max = Double.NEGATIVE_INFINITY;
        double dot = 0;
        double mass = 0;
        for (int i = a; i < b; i++) {
            max = Math.max(max, out[i]);
            dot += x[i] * out[i];
            mass += x[i];
        }
        double sum = 0;
        if (gradient) {
            for (int i = a; i < b; i++) {
                double e = Math.exp(out[i] - max);
                out[i] = e;
                sum += e;
            }
            double scale = mass / sum;
            for (int i = a; i < b; i++) {
                out[i] = scale * out[i] - x[i];
            }
        } else {
            for (int i = a; i < b; i++) {
                sum += Math.exp(out[i] - max);
            }
        }
        return mass * (max + Math.log(sum)) - dot;
    }

    /** Replaces the raw output by the decoder mean: softmax probabilities, sigmoid probabilities, Gaussian means. */
    public static void mean(MixedColumns columns, double[] out) {
        for (MixedColumns.Segment s : columns.segments()) {
            int a = s.start();
            switch (s.kind()) {
                case GAUSSIAN -> { }
                case BERNOULLI -> out[a] = 1 / (1 + Math.exp(-out[a]));
                case CATEGORICAL -> softmax(out, a, a + s.width());
                default -> throw new IllegalStateException(s.kind().toString());
            }
        }
    }

    /**
     * Replaces the raw output by a draw from p(x|z): Gaussian mean plus noise of the learned
     * variance, a one-hot level drawn from the softmax, a 0/1 Bernoulli draw. Masked segments are
     * drawn too (the caller decides from the drawn mask entry what is missing).
     */
    public static void draw(MixedColumns columns, double[] out, double[] logVariance, SplittableRandom random) {
        for (MixedColumns.Segment s : columns.segments()) {
            int a = s.start();
            switch (s.kind()) {
                case GAUSSIAN -> out[a] += Math.exp(0.5 * LogVarianceBounds.decoder(logVariance[a]))
                        * random.nextGaussian();
                case BERNOULLI -> out[a] = random.nextDouble() < 1 / (1 + Math.exp(-out[a])) ? 1 : 0;
                case CATEGORICAL -> {
                    int b = a + s.width();
                    softmax(out, a, b);
                    double u = random.nextDouble();
                    int chosen = b - 1;
                    double cumulative = 0;
                    for (int i = a; i < b; i++) {
                        cumulative += out[i];
                        if (u < cumulative) {
                            chosen = i;
                            break;
                        }
                    }
                    for (int i = a; i < b; i++) {
                        out[i] = i == chosen ? 1 : 0;
                    }
                }
                default -> throw new IllegalStateException(s.kind().toString());
            }
        }
    }

    private static void softmax(double[] v, int from, int to) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, v[i]);
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = from; i < to; i++) {
            v[i] /= sum;
        }
    }
}
