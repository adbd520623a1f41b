package io.github.vaespark.table;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One pass of statistics over a partition's rows for every profiled column, mergeable across
 * partitions: rows seen, and per column the non-missing count, the range, mean and variance of
 * continuous columns (Welford's updates and Chan's merge: no cancellation for values far from zero,
 * such as epoch milliseconds with a spread of seconds), and the level counts of categorical ones (up to a cap, beyond which the column
 * is marked as having too many levels).
 */
final class ColumnStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ColumnKind[] kinds;
    private final int maxLevels;
    long rows;
    final long[] present;
    final double[] min;
    final double[] max;
    /** The running mean of a continuous column's finite values. */
    final double[] mean;
    /** The sum of squared deviations from {@link #mean}. */
    final double[] squaredDeviations;
    final List<Map<String, Long>> levels;
    final boolean[] overflow;
    /** The continuous columns' values of the quantiles' sample (null for the standard scaling). */
    QuantileSample quantileSample;
    private transient double[] sampleScratch;
    /** A partition's string levels by their bytes until {@link #finish}. */
    private transient Map<UTF8String, long[]>[] stringCounts;

    ColumnStats(ColumnKind[] kinds, int maxLevels) {
        this.kinds = kinds.clone();
        this.maxLevels = maxLevels;
        int n = kinds.length;
        present = new long[n];
        min = new double[n];
        max = new double[n];
        mean = new double[n];
        squaredDeviations = new double[n];
        overflow = new boolean[n];
        levels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            min[i] = Double.POSITIVE_INFINITY;
            max[i] = Double.NEGATIVE_INFINITY;
            levels.add(new HashMap<>());
        }
    }

    /**
     * Adds an internal row holding the profiled columns in order, column i read by {@code cells[i]};
     * its continuous values also go to {@link #quantileSample} when it is set (NaN, ±Inf and null as
     * missing). Call {@link #finish} after a partition's last row.
     */
    void add(InternalRow row, InternalCells[] cells) {
        rows++;
        double[] sampled = quantileSample == null ? null : sampleScratch();
        int continuous = 0;
        for (int i = 0; i < kinds.length; i++) {
            boolean missing = cells[i].isMissing(row, i);
            if (kinds[i] == ColumnKind.CONTINUOUS) {
                double d = missing ? Double.NaN : cells[i].number(row, i);
                boolean finite = Double.isFinite(d);
                if (sampled != null) {
                    sampled[continuous++] = finite ? d : Double.NaN;
                }
                if (finite) {
                    min[i] = Math.min(min[i], d);
                    max[i] = Math.max(max[i], d);
                    present[i]++;
                    double delta = d - mean[i];
                    mean[i] += delta / present[i];
                    squaredDeviations[i] += delta * (d - mean[i]);
                }
                continue;
            }
            if (missing) {
                continue;
            }
            switch (kinds[i]) {
                case CATEGORICAL -> {
                    if (cells[i].infiniteDouble(row, i)) {
                        continue;
                    }
                    if (!overflow[i]) {
                        countLevel(i, row, cells[i]);
                    }
                }
                case BINARY -> { }
                default -> throw new IllegalStateException(kinds[i].toString());
            }
            present[i]++;
        }
        if (sampled != null) {
            quantileSample.add(sampled);
        }
    }

    /** Counts column i's level in {@code row}: strings by their bytes (copied only when new), numbers by their form. */
    @SuppressWarnings("unchecked")
    private void countLevel(int i, InternalRow row, InternalCells cells) {
        if (!cells.strings()) {
            levels.get(i).merge(TableColumn.levelOf(cells.external(row, i)), 1L, Long::sum);
            overflow[i] = levels.get(i).size() > maxLevels;
            return;
        }
        if (stringCounts == null) {
            stringCounts = new HashMap[kinds.length];
        }
        if (stringCounts[i] == null) {
            stringCounts[i] = new HashMap<>();
        }
        UTF8String level = cells.string(row, i);
        long[] count = stringCounts[i].get(level);
        if (count == null) {
            stringCounts[i].put(level.clone(), new long[] {1});
            overflow[i] = stringCounts[i].size() > maxLevels;
        } else {
            count[0]++;
        }
    }

    /** Moves the string levels counted since the last call into {@link #levels} (before merging or sending). */
    void finish() {
        if (stringCounts == null) {
            return;
        }
        for (int i = 0; i < kinds.length; i++) {
            if (stringCounts[i] != null && !overflow[i]) {
                for (Map.Entry<UTF8String, long[]> e : stringCounts[i].entrySet()) {
                    levels.get(i).merge(e.getKey().toString(), e.getValue()[0], Long::sum);
                }
                overflow[i] = levels.get(i).size() > maxLevels;
            }
            if (overflow[i]) {
                levels.get(i).clear();
            }
        }
        stringCounts = null;
    }

    /** A row's continuous values on their way to the sample, one array reused row after row. */
    private double[] sampleScratch() {
        if (sampleScratch == null) {
            sampleScratch = new double[quantileSample.columns()];
        }
        return sampleScratch;
    }

    /** This plus {@code other} (this object is updated and returned). */
    ColumnStats merge(ColumnStats other) {
        finish();
        other.finish();
        rows += other.rows;
        quantileSample = quantileSample == null || other.quantileSample == null ? null
                : quantileSample.merge(other.quantileSample);
        for (int i = 0; i < kinds.length; i++) {
            mergeMoments(i, other);
            present[i] += other.present[i];
            min[i] = Math.min(min[i], other.min[i]);
            max[i] = Math.max(max[i], other.max[i]);
            overflow[i] |= other.overflow[i];
            if (!overflow[i]) {
                for (Map.Entry<String, Long> e : other.levels.get(i).entrySet()) {
                    levels.get(i).merge(e.getKey(), e.getValue(), Long::sum);
                }
                overflow[i] = levels.get(i).size() > maxLevels;
            }
            if (overflow[i]) {
                levels.get(i).clear();
            }
        }
        return this;
    }

    /** Chan's merge of {@code other}'s mean and squared deviations of column i into this (before the counts). */
    private void mergeMoments(int i, ColumnStats other) {
        long n1 = present[i];
        long n2 = other.present[i];
        if (n2 == 0) {
            return;
        }
        if (n1 == 0) {
            mean[i] = other.mean[i];
            squaredDeviations[i] = other.squaredDeviations[i];
            return;
        }
        double n = (double) n1 + n2;
        double delta = other.mean[i] - mean[i];
        mean[i] += delta * (n2 / n);
        squaredDeviations[i] += other.squaredDeviations[i] + delta * delta * ((double) n1 * n2 / n);
    }

    double mean(int i) {
        return mean[i];
    }

    /** The population standard deviation of column i's finite values. */
    double sd(int i) {
        return Math.sqrt(Math.max(0, squaredDeviations[i] / present[i]));
    }

    /** Levels of column i by descending count, ties by level. */
    List<String> sortedLevels(int i) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(levels.get(i).entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        return entries.stream().map(Map.Entry::getKey).toList();
    }
}
