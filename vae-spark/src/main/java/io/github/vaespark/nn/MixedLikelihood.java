package io.github.vaespark.nn;

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
        double total = 0;
        for (MixedColumns.Segment s : columns.segments()) {
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
                    double raw = logVariance[a];
                    double lv = LogVarianceBounds.decoder(raw);
                    double r = out[a] - x[a];
                    double rp = r * Math.exp(-lv);
                    term = HALF_LOG_2PI + 0.5 * lv + 0.5 * r * rp;
                    if (gradient) {
                        out[a] = rp;
                    }
                    if (logVarGrad != null && LogVarianceBounds.decoderHasGradient(raw)) {
                        logVarGrad[a] += 0.5 - 0.5 * r * rp;
                    }
                }
                case BERNOULLI -> {
                    double o = out[a];
                    double e = Math.exp(-Math.abs(o));
                    term = (o > 0 ? o : 0) - x[a] * o + Math.log1p(e);
                    if (gradient) {
                        double inv = 1 / (1 + e);
                        out[a] = (o >= 0 ? inv : e * inv) - x[a];
                    }
                }
                case CATEGORICAL -> {
                    int b = a + s.width();
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = a; i < b; i++) {
                        max = Math.max(max, out[i]);
                    }
                    double sum = 0;
                    double dot = 0;
                    double mass = 0;
                    for (int i = a; i < b; i++) {
                        sum += Math.exp(out[i] - max);
                        dot += x[i] * out[i];
                        mass += x[i];
                    }
                    double logSum = max + Math.log(sum);
                    term = mass * logSum - dot;
                    if (gradient) {
                        for (int i = a; i < b; i++) {
                            out[i] = mass * Math.exp(out[i] - logSum) - x[i];
                        }
                    }
                }
                default -> throw new IllegalStateException(s.kind().toString());
            }
            total += term;
            if (perColumn != null) {
                perColumn[s.column()] += term;
            }
        }
        return total;
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
