package io.github.vaespark.train;

import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.barrier.BarrierStepEngine;
import io.github.vaespark.train.jobs.JobStepEngine;
import io.github.vaespark.train.peer.PeerStepEngine;

/**
 * How the steps of an epoch are run on the cluster: how weights reach the partitions and
 * gradients are summed. Implementations: {@link JobStepEngine} (one Spark job per step),
 * {@link BarrierStepEngine} (one long-lived barrier job whose tasks exchange gradients and weights
 * with the driver directly) and {@link PeerStepEngine} (one barrier job per epoch whose tasks
 * exchange among themselves, each updating its shard of the weights).
 */
public interface StepEngine extends AutoCloseable {

    /** The loss and timing of one epoch's steps. */
    record EpochRun(LossSums loss, double beta, StepTimes times) {
    }

    /**
     * Where the epoch's time went, in seconds.
     *
     * @param compute  sum over steps of the slowest partition's computation
     * @param exchange moving weights and gradients and scheduling what the steps need
     * @param update   the driver's averaging and Adam update while the partitions wait
     * @param launch   starting and ending Spark jobs outside the steps
     */
    record StepTimes(double compute, double exchange, double update, double launch) {
    }

    /** "jobs", "barrier" or "peer". */
    String name();

    /** Runs every step of {@code epoch}, applying the updates to the training state. */
    EpochRun runEpoch(int epoch);

    /** Ends any Spark job still running between epochs (before the driver runs other Spark jobs). */
    default void endJob() {
    }

    /** Ends any running job at once and releases resources. */
    @Override
    void close();
}
