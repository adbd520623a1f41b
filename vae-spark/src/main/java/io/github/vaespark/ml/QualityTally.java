package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One pass over both tables on the executors that counts, per side: the rows; per column, its
 * present values per KS grid bin (with the bin's smallest and largest value) or per level; and
 * per tabulated pair, its contingency table (rows where both are present, continuous columns cut
 * into the real-data pair bins). Each partition counts into hash maps keyed by level or bin number,
 * the partitions' maps are merged, and only the counts reach the driver. (A Spark aggregation over
 * one exploded record per count took minutes for 90 columns: 2,235 tabulated pairs.)
 */
final class QualityTally implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long[] rows = new long[2];
    private final Map<Integer, List<Map<String, Long>>> counts = new HashMap<>();
    private final Map<Integer, List<Map<String, double[]>>> ranges = new HashMap<>();
    /** Per tabulated pair and side, its counts as mutable cells (one long each): the per-row loop adds to them. */
    private final Map<Integer, List<Map<String, Map<String, long[]>>>> tables = new HashMap<>();

    private QualityTally() {
    }

    /** Tallies the columns and the pairs (i, j) of {@code tabulated}. */
    static QualityTally compute(Dataset<Row> both, QualityColumns columns, QualityGrids grids, List<int[]> tabulated) {
        int size = columns.size();
        boolean[] categorical = new boolean[size];
        double[][] pooled = new double[size][];
        double[][] real = new double[size][];
        List<Column> selected = new ArrayList<>();
        selected.add(col(QualityColumns.SIDE));
        for (int i = 0; i < size; i++) {
            categorical[i] = columns.categorical(i);
            if (!categorical[i]) {
                pooled[i] = grids.pooled(i);
                real[i] = grids.real(i);
            }
            selected.add(col(QualityColumns.normalisedName(i)));
        }
        int[][] pairs = tabulated.toArray(new int[0][]);
        return both.select(selected.toArray(new Column[0])).toJavaRDD().mapPartitions(it -> {
            QualityTally partial = new QualityTally();
            String[] pairKeys = new String[size];
            // The pair tables' maps, looked up once here rather than per row and pair in the loop below.
            @SuppressWarnings("unchecked")
            Map<String, Map<String, long[]>>[][] tablesBySide = new Map[2][pairs.length];
            for (int side = 0; side < 2; side++) {
                for (int p = 0; p < pairs.length; p++) {
                    tablesBySide[side][p] = partial.tableOf(p, side);
                }
            }
            while (it.hasNext()) {
                Row r = it.next();
                int side = r.getInt(0);
                partial.rows[side]++;
                for (int i = 0; i < size; i++) {
                    pairKeys[i] = null;
                    if (r.isNullAt(i + 1)) {
                        continue;
                    }
                    if (categorical[i]) {
                        pairKeys[i] = r.getString(i + 1);
                        partial.countOf(i, side).merge(pairKeys[i], 1L, Long::sum);
                    } else {
                        double v = r.getDouble(i + 1);
                        String bin = Integer.toString(QuantileBins.index(pooled[i], v));
                        pairKeys[i] = Integer.toString(QuantileBins.index(real[i], v));
                        partial.countOf(i, side).merge(bin, 1L, Long::sum);
                        double[] range = partial.rangeOf(i, side).computeIfAbsent(bin, k -> new double[] {v, v});
                        range[0] = Math.min(range[0], v);
                        range[1] = Math.max(range[1], v);
                    }
                }
                // The hot loop (rows x pairs): plain gets and a mutable cell, no boxing or lambda per count.
                for (int p = 0; p < pairs.length; p++) {
                    String a = pairKeys[pairs[p][0]];
                    String b = pairKeys[pairs[p][1]];
                    if (a == null || b == null) {
                        continue;
                    }
                    Map<String, Map<String, long[]>> table = tablesBySide[side][p];
                    Map<String, long[]> row = table.get(a);
                    if (row == null) {
                        row = new HashMap<>();
                        table.put(a, row);
                    }
                    long[] cell = row.get(b);
                    if (cell == null) {
                        cell = new long[1];
                        row.put(b, cell);
                    }
                    cell[0]++;
                }
            }
            return java.util.Collections.singletonList(partial).iterator();
        }).fold(new QualityTally(), QualityTally::merge);
    }

    private Map<String, Long> countOf(int i, int side) {
        return counts.computeIfAbsent(i, g -> sides()).get(side);
    }

    private Map<String, double[]> rangeOf(int i, int side) {
        return ranges.computeIfAbsent(i, g -> sides()).get(side);
    }

    private Map<String, Map<String, long[]>> tableOf(int p, int side) {
        return tables.computeIfAbsent(p, g -> sides()).get(side);
    }

    /** This plus {@code other} (this object is updated and returned). */
    private QualityTally merge(QualityTally other) {
        for (int side = 0; side < 2; side++) {
            rows[side] += other.rows[side];
            for (Map.Entry<Integer, List<Map<String, Long>>> e : other.counts.entrySet()) {
                Map<String, Long> into = countOf(e.getKey(), side);
                e.getValue().get(side).forEach((k, n) -> into.merge(k, n, Long::sum));
            }
            for (Map.Entry<Integer, List<Map<String, double[]>>> e : other.ranges.entrySet()) {
                Map<String, double[]> into = rangeOf(e.getKey(), side);
                e.getValue().get(side).forEach((k, range) -> into.merge(k, range,
                        (x, y) -> new double[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])}));
            }
            for (Map.Entry<Integer, List<Map<String, Map<String, long[]>>>> e : other.tables.entrySet()) {
                Map<String, Map<String, long[]>> into = tableOf(e.getKey(), side);
                e.getValue().get(side).forEach((a, row) -> {
                    Map<String, long[]> target = into.computeIfAbsent(a, k -> new HashMap<>());
                    row.forEach((b, cell) -> target.merge(b, cell, (x, y) -> new long[] {x[0] + y[0]}));
                });
            }
        }
        return this;
    }

    private static <T> List<Map<String, T>> sides() {
        return List.of(new HashMap<>(), new HashMap<>());
    }

    /** Rows of the side. */
    long rows(int side) {
        return rows[side];
    }

    /** Present values of column i on the side, per level (categorical) or per grid bin number (continuous). */
    Map<String, Long> counts(int i, int side) {
        List<Map<String, Long>> c = counts.get(i);
        return c == null ? Map.of() : c.get(side);
    }

    /** {min, max} of a continuous column's values in a grid bin, per bin number, on the side. */
    Map<String, double[]> ranges(int i, int side) {
        List<Map<String, double[]>> r = ranges.get(i);
        return r == null ? Map.of() : r.get(side);
    }

    /** Contingency table of tabulated pair p on the side: counts per (first key, second key). */
    Map<String, Map<String, Long>> table(int p, int side) {
        List<Map<String, Map<String, long[]>>> t = tables.get(p);
        Map<String, Map<String, Long>> counts = new HashMap<>();
        if (t != null) {
            t.get(side).forEach((a, row) -> {
                Map<String, Long> counted = new HashMap<>();
                row.forEach((b, cell) -> counted.put(b, cell[0]));
                counts.put(a, counted);
            });
        }
        return counts;
    }

    /** Present values of column i on the side. */
    long present(int i, int side) {
        long n = 0;
        for (long c : counts(i, side).values()) {
            n += c;
        }
        return n;
    }
}
