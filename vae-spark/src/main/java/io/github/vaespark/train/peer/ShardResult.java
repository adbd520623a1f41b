package io.github.vaespark.train.peer;

import io.github.vaespark.nn.LossSums;
import java.io.Serializable;

/**
 * What one task of a peer-exchange epoch returns to the driver: its shard's weights and Adam
 * moments after the epoch's last step, its own loss sums of every step, and where its time went.
 *
 * @param stepsDone     steps applied (fewer than the epoch's when training diverged)
 * @param diverged      "loss" or "gradient" when the step after {@code stepsDone} was not finite, else null
 * @param computeNanos  per step: this task's gradient computation
 * @param updateNanos   per step: summing its shard's pieces and Adam on the shard
 * @param stepNanos     per step: from the start of the computation to the last shard's weights received
 * @param setupNanos    from the task's start to its first step (addresses, connections, starting state)
 */
record ShardResult(int partition, int from, double[] params, double[] firstMoment, double[] secondMoment,
                   int stepsDone, String diverged, LossSums[] loss, long[] computeNanos, long[] updateNanos,
                   long[] stepNanos, long setupNanos) implements Serializable {
}
