package io.github.vaespark.ml;

import io.github.vaespark.train.EpochStats;
import java.io.Serializable;

/**
 * One epoch of training, with losses per row in nats.
 *
 * @param epoch                  1-based epoch number
 * @param steps                  optimisation steps in this epoch
 * @param rows                   training rows visited
 * @param negativeElbo           mean of reconstruction + KL over the epoch's batches (β = 1)
 * @param reconstruction         mean -log p(x|z)
 * @param kl                     mean KL(q(z|x) ‖ N(0, I))
 * @param beta                   KL weight at the end of the epoch
 * @param validationNegativeElbo mean negative ELBO of the validation rows after the epoch, or NaN
 * @param seconds                wall time of the epoch
 * @param exchangeMode           how gradients and weights travelled: "barrier", "peer" or "jobs"
 * @param computeSeconds         sum over steps of the slowest partition's computation time
 * @param exchangeSeconds        moving weights and gradients and scheduling the steps' work, beyond the computation
 * @param updateSeconds          the averaging, checks and Adam updates while the partitions waited (the driver's,
 *                              or with "peer" the slowest shard owner's)
 * @param launchSeconds          starting and ending Spark jobs outside the steps
 */
public record EpochSummary(int epoch, int steps, long rows, double negativeElbo, double reconstruction,
                           double kl, double beta, double validationNegativeElbo, double seconds,
                           String exchangeMode, double computeSeconds, double exchangeSeconds,
                           double updateSeconds, double launchSeconds) implements Serializable {

    /** Training rows per second of wall time. */
    public double rowsPerSecond() {
        return seconds > 0 ? rows / seconds : Double.NaN;
    }

    /** Share of the epoch's time not spent computing on executors (scheduling, transfers, aggregation, update). */
    public double overheadFraction() {
        return seconds > 0 ? Math.max(0, 1 - computeSeconds / seconds) : Double.NaN;
    }

    /** The loop's measurement of an epoch as users see it. */
    static EpochSummary of(EpochStats s) {
        return new EpochSummary(s.epoch(), s.steps(), s.rows(), s.negativeElbo(), s.reconstruction(), s.kl(), s.beta(),
                s.validationNegativeElbo(), s.seconds(), s.exchangeMode(), s.computeSeconds(), s.exchangeSeconds(),
                s.updateSeconds(), s.launchSeconds());
    }
}
