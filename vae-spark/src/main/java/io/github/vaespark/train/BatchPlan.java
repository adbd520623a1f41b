package io.github.vaespark.train;

import java.io.Serializable;

/**
 * How an epoch is cut into synchronous steps: there are ceil(rows / batchSize) steps, and at step
 * s partition p takes rows [⌊s·n_p/S⌋, ⌊(s+1)·n_p/S⌋) of its own per-epoch permutation, so every
 * partition contributes its proportional share of each global batch and each row is visited once
 * per epoch.
 */
public final class BatchPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] partitionRows;
    private final int stepsPerEpoch;

    public BatchPlan(int[] partitionRows, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1 but was " + batchSize);
        }
        long total = 0;
        for (int n : partitionRows) {
            total += n;
        }
        if (total == 0) {
            throw new IllegalArgumentException("No training rows");
        }
        this.partitionRows = partitionRows.clone();
        this.stepsPerEpoch = (int) Math.min(Integer.MAX_VALUE, (total + batchSize - 1) / batchSize);
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int numPartitions() {
        return partitionRows.length;
    }

    /** First position (in the partition's permutation) used at {@code step}. */
    public int begin(int partition, int step) {
        return (int) ((long) step * partitionRows[partition] / stepsPerEpoch);
    }

    /** One past the last position used at {@code step}. */
    public int end(int partition, int step) {
        return begin(partition, step + 1);
    }

    /** Rows partition {@code p} contributes at {@code step}. */
    public int share(int partition, int step) {
        return end(partition, step) - begin(partition, step);
    }

    /** Rows all partitions together contribute at {@code step}. */
    public long stepRows(int step) {
        long rows = 0;
        for (int p = 0; p < partitionRows.length; p++) {
            rows += share(p, step);
        }
        return rows;
    }

    /** The most rows any partition contributes to one step. */
    public int maxShare() {
        int max = 0;
        for (int n : partitionRows) {
            max = Math.max(max, (n + stepsPerEpoch - 1) / stepsPerEpoch);
        }
        return max;
    }
}
