package io.github.vaespark.train;

import io.github.vaespark.nn.Precision;
import java.io.Serializable;
import java.util.Locale;

/**
 * What {@code precision=auto} chose and why: bfloat16 only where the CPU has it natively, a training
 * chunk of this model runs at least {@link #MIN_SPEEDUP} times faster in it, and its quality check
 * passes; float32 otherwise. The measurements come from {@link PrecisionProbe}.
 *
 * @param chosen              {@link Precision#BFLOAT16} or {@link Precision#FLOAT32}
 * @param reason              one sentence for the log and the summary
 * @param float32Millis       a training chunk's forward and backward in float32 (best of the timed runs; NaN if not timed)
 * @param bfloat16Millis      the same chunk in bfloat16 (NaN if not timed)
 * @param roundingNoise       the largest, over features, of mean squared bfloat16 rounding error over the feature's variance
 * @param lossDifference      relative difference of the chunk's -ELBO at the initial weights, bfloat16 vs float32
 * @param gradientCosine      cosine between the two gradients at the initial weights
 */
public record PrecisionChoice(Precision chosen, String reason, double float32Millis, double bfloat16Millis,
                              double roundingNoise, double lossDifference, double gradientCosine)
        implements Serializable {
    /** bfloat16 must run a training chunk at least this many times faster than float32. */
    public static final double MIN_SPEEDUP = 1.1;
    /** Largest rounding error (mean square, as a fraction of a feature's variance) bfloat16 may add to any feature. */
    public static final double MAX_ROUNDING_NOISE = 1e-3;
    /** Largest relative difference of the initial -ELBO. */
    public static final double MAX_LOSS_DIFFERENCE = 0.01;
    /** Smallest cosine between the initial gradients. */
    public static final double MIN_GRADIENT_COSINE = 0.99;

    /** float32 without measuring anything, for {@code why}. */
    public static PrecisionChoice float32Because(String why) {
        return new PrecisionChoice(Precision.FLOAT32, why, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * The precision the newest checkpoint in {@code checkpointDir} was trained in, so that a resumed
     * fit continues in it; null when the folder holds no readable checkpoint.
     */
    public static PrecisionChoice ofCheckpoint(String checkpointDir, org.apache.hadoop.conf.Configuration hadoopConf) {
        String stored = Checkpoints.newestPrecision(checkpointDir, hadoopConf);
        if (stored == null) {
            return null;
        }
        Precision precision = Precision.fromParam(stored);
        return new PrecisionChoice(precision, "resuming the checkpoint in " + checkpointDir + ", trained in "
                + precision.paramName(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * The rule applied to measured figures: bfloat16 iff every quality check passes and it is faster
     * by {@link #MIN_SPEEDUP}; the reason names the first check that failed (quality before speed).
     */
    public static PrecisionChoice decide(double float32Millis, double bfloat16Millis, double roundingNoise,
                                         double lossDifference, double gradientCosine) {
        String figures = String.format(Locale.ROOT, "a training chunk takes %.2f ms in bfloat16 against %.2f ms in "
                        + "float32; bfloat16 rounding noise %.1e of a feature's variance at most, initial -ELBO "
                        + "differs by %.3f %%, gradient cosine %.6f", bfloat16Millis, float32Millis, roundingNoise,
                100 * lossDifference, gradientCosine);
        String failed;
        if (!(roundingNoise <= MAX_ROUNDING_NOISE)) {
            failed = "bfloat16 rounding would blur a feature (noise above " + MAX_ROUNDING_NOISE + " of its variance)";
        } else if (!(lossDifference <= MAX_LOSS_DIFFERENCE)) {
            failed = "the -ELBO differs by more than " + 100 * MAX_LOSS_DIFFERENCE + " %";
        } else if (!(gradientCosine >= MIN_GRADIENT_COSINE)) {
            failed = "the gradients' cosine is below " + MIN_GRADIENT_COSINE;
        } else if (!(bfloat16Millis * MIN_SPEEDUP <= float32Millis)) {
            failed = "bfloat16 is not " + MIN_SPEEDUP + "× faster";
        } else {
            failed = null;
        }
        Precision chosen = failed == null ? Precision.BFLOAT16 : Precision.FLOAT32;
        String reason = (failed == null ? "bfloat16 is faster and its quality check passes: "
                : "float32 because " + failed + ": ") + figures;
        return new PrecisionChoice(chosen, reason, float32Millis, bfloat16Millis, roundingNoise, lossDifference,
                gradientCosine);
    }
}
