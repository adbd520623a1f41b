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
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pair dependence on the executors: one aggregation of Spark's {@code corr} (Pearson, over rows
 * where both values are present) for every pair of continuous columns, and one grouped count of
 * the contingency table of every other pair, continuous columns cut into {@value #BINS} bins at
 * quantiles of the real data. Only the correlations and the tables reach the driver.
 */
final class PairDependence {
    /** Quantile bins of a continuous column in a pair with a categorical one. */
    static final int BINS = 5;

    private PairDependence() {
    }

    /** One result per column pair (i &lt; j), in order. */
    static List<PairQuality> compute(Dataset<Row> both, QualityColumns columns) {
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            for (int j = i + 1; j < columns.size(); j++) {
                pairs.add(new int[] {i, j});
            }
        }
        List<Integer> correlated = new ArrayList<>();
        List<Integer> tabulated = new ArrayList<>();
        for (int p = 0; p < pairs.size(); p++) {
            boolean bothContinuous = !columns.categorical(pairs.get(p)[0]) && !columns.categorical(pairs.get(p)[1]);
            (bothContinuous ? correlated : tabulated).add(p);
        }
        double[][] correlations = correlations(both, pairs, correlated);
        double[][] cramersV = cramersV(both, columns, pairs, tabulated);
        List<PairQuality> out = new ArrayList<>();
        for (int p = 0; p < pairs.size(); p++) {
            boolean correlation = correlations[p] != null;
            double[] values = correlation ? correlations[p] : cramersV[p];
            out.add(new PairQuality(columns.names().get(pairs.get(p)[0]), columns.names().get(pairs.get(p)[1]),
                    correlation, values[QualityColumns.REAL], values[QualityColumns.SYNTHETIC]));
        }
        return out;
    }

    /** Per pair index in {@code chosen}: {r_real, r_synthetic}; an undefined correlation counts as 0. */
    private static double[][] correlations(Dataset<Row> both, List<int[]> pairs, List<Integer> chosen) {
        double[][] out = new double[pairs.size()][];
        if (chosen.isEmpty()) {
            return out;
        }
        List<Column> aggs = new ArrayList<>();
        for (int p : chosen) {
            out[p] = new double[2];
            aggs.add(functions.corr(col(QualityColumns.normalisedName(pairs.get(p)[0])),
                    col(QualityColumns.normalisedName(pairs.get(p)[1]))));
        }
        for (Row r : both.groupBy(col(QualityColumns.SIDE)).agg(aggs.get(0),
                aggs.subList(1, aggs.size()).toArray(new Column[0])).collectAsList()) {
            for (int k = 0; k < chosen.size(); k++) {
                double v = r.isNullAt(k + 1) ? 0 : r.getDouble(k + 1);
                out[chosen.get(k)][r.getInt(0)] = Double.isNaN(v) ? 0 : v;
            }
        }
        return out;
    }

    /** Per pair index in {@code chosen}: {V_real, V_synthetic} of its contingency table on each side. */
    private static double[][] cramersV(Dataset<Row> both, QualityColumns columns, List<int[]> pairs,
            List<Integer> chosen) {
        double[][] out = new double[pairs.size()][];
        if (chosen.isEmpty()) {
            return out;
        }
        Column[] keys = keys(both, columns);
        List<Column> entries = new ArrayList<>();
        List<List<Map<String, Map<String, Long>>>> tables = new ArrayList<>();
        for (int k = 0; k < chosen.size(); k++) {
            int[] pair = pairs.get(chosen.get(k));
            entries.add(functions.struct(lit(k).as("pair"), keys[pair[0]].as("a"), keys[pair[1]].as("b")));
            tables.add(List.of(new HashMap<>(), new HashMap<>()));
        }
        Dataset<Row> counts = both
                .select(col(QualityColumns.SIDE), functions.explode(functions.array(entries.toArray(new Column[0])))
                        .as("e"))
                .where(col("e.a").isNotNull().and(col("e.b").isNotNull()))
                .groupBy(col(QualityColumns.SIDE), col("e.pair"), col("e.a"), col("e.b"))
                .count();
        for (Row r : counts.collectAsList()) {
            tables.get(r.getInt(1)).get(r.getInt(0)).computeIfAbsent(r.getString(2), a -> new HashMap<>())
                    .put(r.getString(3), r.getLong(4));
        }
        for (int k = 0; k < chosen.size(); k++) {
            out[chosen.get(k)] = new double[] {Contingency.cramersV(tables.get(k).get(0)),
                    Contingency.cramersV(tables.get(k).get(1))};
        }
        return out;
    }

    /** Per column, a string key: the level for categorical columns, the real-quantile bin for continuous ones. */
    private static Column[] keys(Dataset<Row> both, QualityColumns columns) {
        List<Integer> continuous = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.categorical(i)) {
                continuous.add(i);
            }
        }
        double[][] quantiles = new double[0][];
        if (!continuous.isEmpty()) {
            double[] probabilities = new double[BINS - 1];
            for (int k = 1; k < BINS; k++) {
                probabilities[k - 1] = (double) k / BINS;
            }
            quantiles = both.where(col(QualityColumns.SIDE).equalTo(QualityColumns.REAL)).stat().approxQuantile(
                    continuous.stream().map(QualityColumns::normalisedName).toArray(String[]::new), probabilities,
                    1e-3);
        }
        Column[] keys = new Column[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            Column c = col(QualityColumns.normalisedName(i));
            keys[i] = columns.categorical(i) ? c
                    : ColumnShapes.binOf(QuantileBins.splits(quantiles[continuous.indexOf(i)])).apply(c)
                            .cast(DataTypes.StringType);
        }
        return keys;
    }
}
