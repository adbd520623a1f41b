package io.github.vaespark.table;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The continuous columns' values of a uniform random sample of at most {@code capacity} rows,
 * drawn in the profiling pass that also counts the rows (bottom-k sampling): every row gets a
 * pseudo-random key from (seed, partition, row index in the partition), and the sample is the
 * rows with the smallest keys. The smallest keys of a union are the smallest of its parts', so
 * partitions sample on their own and merges keep the smallest keys: the result is the same
 * whatever the order and grouping of the merges. A table of at most {@code capacity} rows is kept
 * whole; a larger one gives a simple random sample of exactly {@code capacity} rows. A partition
 * holds at most 1.25 × capacity rows' values at any time, and what travels is cut to capacity.
 */
final class QuantileSample implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int columns;
    private final int capacity;
    private final long seed;
    private final long partition;
    private long index;
    private int size;
    private long[] keys;
    /** Row-major: the values of held row s at [s · columns, (s + 1) · columns); NaN for null. */
    private double[] values;
    /** Once the sample was cut to capacity, the largest key it kept: a row with a larger one cannot enter. */
    private long bound = Long.MAX_VALUE;

    /**
     * @param columns   continuous columns
     * @param capacity  rows in the sample (at least 1)
     * @param seed      the seed of the keys
     * @param partition the partition whose rows {@link #add} receives
     */
    QuantileSample(int columns, int capacity, long seed, long partition) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.columns = columns;
        this.capacity = capacity;
        this.seed = seed;
        this.partition = partition;
        int initial = Math.min(capacity, 64);
        keys = new long[initial];
        values = new double[initial * columns];
    }

    /** Adds the partition's next row: its continuous values, NaN where missing. */
    void add(double[] row) {
        int slot = reserve(key(seed, partition, index++));
        if (slot >= 0) {
            System.arraycopy(row, 0, values, slot * columns, columns);
        }
    }

    /** This plus {@code other}, both cut to capacity (this object is updated and returned). */
    QuantileSample merge(QuantileSample other) {
        for (int s = 0; s < other.size; s++) {
            int slot = reserve(other.keys[s]);
            if (slot >= 0) {
                System.arraycopy(other.values, s * columns, values, slot * columns, columns);
            }
        }
        cut();
        return this;
    }

    /** Continuous columns per row. */
    int columns() {
        return columns;
    }

    /** Rows in the sample. */
    int rows() {
        cut();
        return size;
    }

    /** The sample's non-missing values of continuous column {@code j}, in no particular order. */
    double[] of(int j) {
        cut();
        double[] out = new double[size];
        int n = 0;
        for (int s = 0; s < size; s++) {
            double v = values[s * columns + j];
            if (!Double.isNaN(v)) {
                out[n++] = v;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The key of row {@code index} of {@code partition}: a 64-bit mix of the three. */
    static long key(long seed, long partition, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (partition + 1) + 0xBF58476D1CE4E5B9L * index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A slot for a row of {@code key}, or -1 when the row cannot be in the sample: grows the
     * arrays, and cuts the sample to capacity once 1.25 × capacity rows are held.
     */
    private int reserve(long key) {
        if (size > capacity + capacity / 4) {
            cut();
        }
        if (key >= bound) {
            return -1;
        }
        if (size == keys.length) {
            int grown = (int) Math.min((long) capacity + capacity / 4 + 1, Math.max(64L, 2L * keys.length));
            keys = Arrays.copyOf(keys, grown);
            values = Arrays.copyOf(values, grown * columns);
        }
        keys[size] = key;
        return size++;
    }

    /** Keeps the capacity rows of smallest keys (all rows when there are no more). */
    private void cut() {
        if (size <= capacity) {
            return;
        }
        long[] sorted = Arrays.copyOf(keys, size);
        Arrays.sort(sorted);
        long largest = sorted[capacity - 1];
        int kept = 0;
        for (int s = 0; s < size; s++) {
            if (keys[s] <= largest && kept < capacity) {
                keys[kept] = keys[s];
                System.arraycopy(values, s * columns, values, kept * columns, columns);
                kept++;
            }
        }
        size = kept;
        bound = largest;
    }

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        cut();
        keys = Arrays.copyOf(keys, size);
        values = Arrays.copyOf(values, size * columns);
        out.defaultWriteObject();
    }
}
