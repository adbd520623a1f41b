package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * One grouped aggregation on the executors that counts, per side: the rows; per column, its
 * present values per KS grid bin (with the bin's smallest and largest value) or per level; and
 * per tabulated pair, its contingency table (rows where both are present, continuous columns cut
 * into the real-data pair bins). Each row becomes one record per count it adds to (explode), and
 * only the counts reach the driver.
 */
final class QualityTally {
    private final long[] rows = new long[2];
    private final Map<Integer, List<Map<String, Long>>> counts = new HashMap<>();
    private final Map<Integer, List<Map<String, double[]>>> ranges = new HashMap<>();
    private final Map<Integer, List<Map<String, Map<String, Long>>>> tables = new HashMap<>();

    private QualityTally() {
    }

    /** Tallies the columns and the pairs (i, j) of {@code tabulated}. */
    static QualityTally compute(Dataset<Row> both, QualityColumns columns, QualityGrids grids, List<int[]> tabulated) {
        int size = columns.size();
        // Keys first, each computed once per row: the value, its grid bin and its pair key.
        List<Column> keys = new ArrayList<>();
        keys.add(col(QualityColumns.SIDE));
        for (int i = 0; i < size; i++) {
            Column c = col(QualityColumns.normalisedName(i));
            keys.add(c.as("v" + i));
            if (columns.categorical(i)) {
                keys.add(c.as("k" + i));
                keys.add(c.as("p" + i));
            } else {
                keys.add(binOf(grids.pooled(i)).apply(c).cast(DataTypes.StringType).as("k" + i));
                keys.add(binOf(grids.real(i)).apply(c).cast(DataTypes.StringType).as("p" + i));
            }
        }
        Dataset<Row> keyed = both.select(keys.toArray(new Column[0]));
        List<Column> entries = new ArrayList<>();
        entries.add(entry(lit(-1), lit(null), lit(null), lit(null)));
        for (int i = 0; i < size; i++) {
            Column k = col("k" + i);
            entries.add(functions.when(k.isNotNull(),
                    entry(lit(i), k, lit(null), columns.categorical(i) ? lit(null) : col("v" + i))));
        }
        for (int p = 0; p < tabulated.size(); p++) {
            Column a = col("p" + tabulated.get(p)[0]);
            Column b = col("p" + tabulated.get(p)[1]);
            entries.add(functions.when(a.isNotNull().and(b.isNotNull()), entry(lit(size + p), a, b, lit(null))));
        }
        Dataset<Row> tallied = keyed
                .select(col(QualityColumns.SIDE), functions.explode(functions.array(entries.toArray(new Column[0])))
                        .as("e"))
                .where(col("e").isNotNull())
                .groupBy(col(QualityColumns.SIDE), col("e.group"), col("e.a"), col("e.b"))
                .agg(functions.count(lit(1)), functions.min("e.value"), functions.max("e.value"));
        QualityTally tally = new QualityTally();
        for (Row r : tallied.collectAsList()) {
            int side = r.getInt(0);
            int group = r.getInt(1);
            long count = r.getLong(4);
            if (group < 0) {
                tally.rows[side] = count;
            } else if (group < size) {
                tally.counts.computeIfAbsent(group, g -> sides()).get(side).put(r.getString(2), count);
                if (!r.isNullAt(5)) {
                    tally.ranges.computeIfAbsent(group, g -> sides()).get(side)
                            .put(r.getString(2), new double[] {r.getDouble(5), r.getDouble(6)});
                }
            } else {
                tally.tables.computeIfAbsent(group - size, g -> sides()).get(side)
                        .computeIfAbsent(r.getString(2), k -> new HashMap<>()).put(r.getString(3), count);
            }
        }
        return tally;
    }

    private static <T> List<Map<String, T>> sides() {
        return List.of(new HashMap<>(), new HashMap<>());
    }

    private static Column entry(Column group, Column a, Column b, Column value) {
        return functions.struct(group.as("group"), a.cast(DataTypes.StringType).as("a"),
                b.cast(DataTypes.StringType).as("b"), value.cast(DataTypes.DoubleType).as("value"));
    }

    /** A UDF giving a value's {@link QuantileBins} bin (null for null). */
    private static UserDefinedFunction binOf(double[] splits) {
        return functions.udf((UDF1<Double, Integer>) v -> v == null ? null : QuantileBins.index(splits, v),
                DataTypes.IntegerType);
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
        List<Map<String, Map<String, Long>>> t = tables.get(p);
        return t == null ? Map.of() : t.get(side);
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
