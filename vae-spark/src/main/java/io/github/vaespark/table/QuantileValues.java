package io.github.vaespark.table;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.sql.Row;

/**
 * The continuous columns' values of a small table, gathered in the profiling pass that also counts
 * the rows, so that its quantiles need no second pass over the data. Each partition keeps the
 * values of at most {@code quota} rows; a partition with more, or a merge that would exceed the
 * budget, gives up ({@link #complete()} false) and the profiler reads the values in a pass of their
 * own as before. What is kept is bounded by the budget whatever the table's size.
 */
final class QuantileValues implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int quota;
    private final long budget;
    private long rows;
    private double[][] values;
    private int[] counts;

    /**
     * @param columns continuous columns, read from a row at {@code offset …}
     * @param quota   rows a partition may hold
     * @param budget  rows all partitions together may hold
     */
    QuantileValues(int columns, int quota, long budget) {
        this.quota = quota;
        this.budget = budget;
        this.values = new double[columns][Math.min(quota, 16)];
        this.counts = new int[columns];
    }

    /** Whether every row's values are here. */
    boolean complete() {
        return values != null;
    }

    /** Adds a row's values (doubles or nulls) at positions {@code offset …} of {@code row}. */
    void add(Row row, int offset) {
        rows++;
        if (values == null) {
            return;
        }
        if (rows > quota) {
            giveUp();
            return;
        }
        for (int j = 0; j < values.length; j++) {
            if (!row.isNullAt(offset + j)) {
                append(j, row.getDouble(offset + j));
            }
        }
    }

    /** This plus {@code other} (this object is updated and returned). */
    QuantileValues merge(QuantileValues other) {
        rows += other.rows;
        if (values == null || other.values == null || rows > budget) {
            giveUp();
            return this;
        }
        for (int j = 0; j < values.length; j++) {
            for (int i = 0; i < other.counts[j]; i++) {
                append(j, other.values[j][i]);
            }
        }
        return this;
    }

    /** The non-missing values of continuous column {@code j}, in no particular order. */
    double[] of(int j) {
        if (values == null) {
            throw new IllegalStateException("The values were not all gathered");
        }
        return Arrays.copyOf(values[j], counts[j]);
    }

    private void append(int j, double v) {
        if (counts[j] == values[j].length) {
            values[j] = Arrays.copyOf(values[j], Math.max(16, 2 * counts[j]));
        }
        values[j][counts[j]++] = v;
    }

    private void giveUp() {
        values = null;
        counts = null;
    }
}
