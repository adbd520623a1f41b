package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Column shapes on the executors: one pass for the missing counts, one approxQuantile pass for a
 * grid of {@value #GRID} pooled quantiles per continuous column, and one grouped aggregation that
 * counts both sides per grid bin (with the bin's smallest and largest value) and per categorical
 * level. Only these small aggregates reach the driver.
 */
final class ColumnShapes {
    /** Grid intervals per continuous column: bins hold about 1/GRID of the pooled values each. */
    static final int GRID = 1000;
    /** approxQuantile's relative rank error for the grid. */
    static final double GRID_ERROR = 1.0 / (4 * GRID);

    private ColumnShapes() {
    }

    /** The shape and null rates of every column of the normalised table {@code both}. */
    static List<ColumnQuality> compute(Dataset<Row> both, QualityColumns columns) {
        long[][] present = presentCounts(both, columns);
        double[][] splits = gridSplits(both, columns);
        Map<Integer, long[][]> binCounts = new HashMap<>();
        Map<Integer, double[][]> binRanges = new HashMap<>();
        Map<Integer, List<Map<String, Long>>> levelCounts = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.categorical(i)) {
                levelCounts.put(i, List.of(new HashMap<>(), new HashMap<>()));
            } else {
                int bins = splits[i].length + 1;
                binCounts.put(i, new long[2][bins]);
                double[][] range = new double[2][bins];
                Arrays.fill(range[0], Double.POSITIVE_INFINITY);
                Arrays.fill(range[1], Double.NEGATIVE_INFINITY);
                binRanges.put(i, range);
            }
        }
        for (Row r : aggregate(both, columns, splits).collectAsList()) {
            int side = r.getInt(0);
            int i = r.getInt(1);
            long count = r.getLong(4);
            if (columns.categorical(i)) {
                levelCounts.get(i).get(side).put(r.getString(3), count);
            } else {
                int bin = r.getInt(2);
                binCounts.get(i)[side][bin] = count;
                double[][] range = binRanges.get(i);
                range[0][bin] = Math.min(range[0][bin], r.getDouble(5));
                range[1][bin] = Math.max(range[1][bin], r.getDouble(6));
            }
        }
        List<ColumnQuality> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            long nReal = present[QualityColumns.REAL][i + 1];
            long nSynthetic = present[QualityColumns.SYNTHETIC][i + 1];
            double[] distance;
            int bins;
            if (nReal == 0 || nSynthetic == 0) {
                double d = nReal == nSynthetic ? 0 : 1;
                distance = new double[] {d, d};
                bins = 0;
            } else if (columns.categorical(i)) {
                List<Map<String, Long>> levels = levelCounts.get(i);
                double d = Contingency.totalVariation(levels.get(0), levels.get(1));
                distance = new double[] {d, d};
                Set<String> all = new HashSet<>(levels.get(0).keySet());
                all.addAll(levels.get(1).keySet());
                bins = all.size();
            } else {
                long[][] counts = binCounts.get(i);
                double[][] range = binRanges.get(i);
                distance = KolmogorovSmirnov.bounds(counts[0], counts[1], range[0], range[1]);
                bins = counts[0].length;
            }
            out.add(new ColumnQuality(columns.names().get(i), columns.categorical(i), distance[0], distance[1], bins,
                    missingRate(present[QualityColumns.REAL], i), missingRate(present[QualityColumns.SYNTHETIC], i)));
        }
        return out;
    }

    private static double missingRate(long[] sideCounts, int i) {
        return sideCounts[0] == 0 ? 0 : 1 - (double) sideCounts[i + 1] / sideCounts[0];
    }

    /** Per side: {rows, present values of column 0, column 1, …}. */
    private static long[][] presentCounts(Dataset<Row> both, QualityColumns columns) {
        List<Column> aggs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            aggs.add(functions.count(col(QualityColumns.normalisedName(i))));
        }
        long[][] out = new long[2][columns.size() + 1];
        for (Row r : both.groupBy(col(QualityColumns.SIDE)).agg(functions.count(lit(1)), aggs.toArray(new Column[0]))
                .collectAsList()) {
            for (int k = 0; k <= columns.size(); k++) {
                out[r.getInt(0)][k] = r.getLong(k + 1);
            }
        }
        return out;
    }

    /** Per continuous column, the distinct pooled quantiles at 0, 1/GRID, …, 1 (null for categorical ones). */
    private static double[][] gridSplits(Dataset<Row> both, QualityColumns columns) {
        List<Integer> continuous = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.categorical(i)) {
                continuous.add(i);
            }
        }
        double[][] out = new double[columns.size()][];
        if (continuous.isEmpty()) {
            return out;
        }
        double[] probabilities = new double[GRID + 1];
        for (int k = 0; k <= GRID; k++) {
            probabilities[k] = (double) k / GRID;
        }
        double[][] quantiles = both.stat().approxQuantile(
                continuous.stream().map(QualityColumns::normalisedName).toArray(String[]::new), probabilities,
                GRID_ERROR);
        for (int k = 0; k < continuous.size(); k++) {
            out[continuous.get(k)] = QuantileBins.splits(quantiles[k]);
        }
        return out;
    }

    /** Rows (side, column, bin, level, count, min, max): counts per grid bin or per level. */
    private static Dataset<Row> aggregate(Dataset<Row> both, QualityColumns columns, double[][] splits) {
        List<Column> entries = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = col(QualityColumns.normalisedName(i));
            boolean categorical = columns.categorical(i);
            entries.add(functions.struct(
                    lit(i).as("column"),
                    (categorical ? lit(null).cast(DataTypes.IntegerType) : binOf(splits[i]).apply(c)).as("bin"),
                    (categorical ? c : lit(null).cast(DataTypes.StringType)).as("level"),
                    (categorical ? lit(null).cast(DataTypes.DoubleType) : c).as("value")));
        }
        return both.select(col(QualityColumns.SIDE), functions.explode(functions.array(entries.toArray(new Column[0])))
                        .as("e"))
                .where(col("e.level").isNotNull().or(col("e.value").isNotNull()))
                .groupBy(col(QualityColumns.SIDE), col("e.column").as("column"), col("e.bin").as("bin"),
                        col("e.level").as("level"))
                .agg(functions.count(lit(1)), functions.min("e.value"), functions.max("e.value"));
    }

    /** A UDF giving a value's {@link QuantileBins} bin (null for null). */
    static UserDefinedFunction binOf(double[] splits) {
        return functions.udf((UDF1<Double, Integer>) v -> v == null ? null : QuantileBins.index(splits, v),
                DataTypes.IntegerType);
    }
}
