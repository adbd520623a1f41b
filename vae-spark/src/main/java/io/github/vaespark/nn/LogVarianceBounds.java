package io.github.vaespark.nn;

/**
 * The bounds within which the network uses the log-variances it exponentiates, so that no
 * parameter value and no input row can make a variance 0 or infinite.
 *
 * <ul>
 *   <li><b>Decoder</b> (Gaussian likelihood): feature j's learned log-variance s_j is used as
 *       max(s_j, {@link #DECODER_MIN}), where DECODER_MIN = 2·ln 0.01 ≈ −9.21: a standard deviation of
 *       at least 0.01, 1 % of a standardised feature's spread (the scale floor common in PyTorch
 *       VAEs). Without it a constant column drives s_j towards −∞ and its −log p towards −∞, which
 *       then dominates the ELBO. Below the floor s_j gets no gradient.</li>
 *   <li><b>Encoder</b>: log σ²(x) is used as clamp(log σ²(x), {@link #ENCODER_MIN}, {@link #ENCODER_MAX})
 *       = clamp(·, −30, 20), i.e. σ between 3·10⁻⁷ and 2.2·10⁴, wherever it is exponentiated (training,
 *       the ELBO column, importance sampling), so that an extreme row still gives finite noise, KL and
 *       importance weights. Outside the range it gets no gradient.</li>
 * </ul>
 */
public final class LogVarianceBounds {
    /** The smallest decoder log-variance used: 2·ln 0.01 (σ ≥ 0.01). */
    public static final double DECODER_MIN = 2 * Math.log(0.01);
    /** The smallest encoder log-variance used (σ ≥ e^-15 ≈ 3·10⁻⁷). */
    public static final double ENCODER_MIN = -30;
    /** The largest encoder log-variance used (σ ≤ e^10 ≈ 2.2·10⁴). */
    public static final double ENCODER_MAX = 20;

    private LogVarianceBounds() {
    }

    // NaN passes through every method unchanged (and "has gradient"), so divergence is still detected.

    /** The decoder log-variance used for the parameter value {@code s}: max(s, DECODER_MIN). */
    public static double decoder(double s) {
        return s < DECODER_MIN ? DECODER_MIN : s;
    }

    /** Whether the loss depends on the decoder log-variance parameter {@code s} (it is not below the floor). */
    public static boolean decoderHasGradient(double s) {
        return !(s < DECODER_MIN);
    }

    /** The encoder log-variance used for the head output {@code logVar}: clamped to [ENCODER_MIN, ENCODER_MAX]. */
    public static double encoder(double logVar) {
        return logVar < ENCODER_MIN ? ENCODER_MIN : logVar > ENCODER_MAX ? ENCODER_MAX : logVar;
    }

    /** Whether the loss depends on the encoder head output {@code logVar} (it is within the range). */
    public static boolean encoderHasGradient(double logVar) {
        return !(logVar < ENCODER_MIN || logVar > ENCODER_MAX);
    }
}
