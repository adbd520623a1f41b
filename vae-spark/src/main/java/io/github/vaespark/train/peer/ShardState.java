package io.github.vaespark.train.peer;

import java.util.Arrays;

/** The exact state of one shard: its weights, Adam's moments and Adam's step count. */
record ShardState(double[] params, double[] firstMoment, double[] secondMoment, long adamStep) {

    /** Shard [from, to) of the epoch's starting state. */
    static ShardState slice(EpochStart start, int from, int to) {
        return new ShardState(Arrays.copyOfRange(start.params(), from, to),
                Arrays.copyOfRange(start.firstMoment(), from, to), Arrays.copyOfRange(start.secondMoment(), from, to),
                start.adamStep());
    }
}
