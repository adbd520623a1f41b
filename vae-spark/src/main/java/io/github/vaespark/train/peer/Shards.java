package io.github.vaespark.train.peer;

import java.io.Serializable;

/**
 * The split of the parameter vector among the tasks of a peer exchange: task {@code p} owns the
 * contiguous range [{@link #from}(p), {@link #to}(p)), all ranges within one element of equal
 * length. The owner receives every task's piece of its range's gradient and updates it.
 */
public final class Shards implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numParams;
    private final int count;

    public Shards(int numParams, int count) {
        if (count < 1 || numParams < count) {
            throw new IllegalArgumentException("Cannot split " + numParams + " parameters among " + count + " tasks");
        }
        this.numParams = numParams;
        this.count = count;
    }

    /** The number of shards (tasks). */
    public int count() {
        return count;
    }

    /** The first parameter of shard {@code p}. */
    public int from(int p) {
        return (int) ((long) numParams * p / count);
    }

    /** One past the last parameter of shard {@code p}. */
    public int to(int p) {
        return from(p + 1);
    }

    /** The length of shard {@code p}. */
    public int length(int p) {
        return to(p) - from(p);
    }

    /** The length of the whole vector. */
    public int numParams() {
        return numParams;
    }
}
