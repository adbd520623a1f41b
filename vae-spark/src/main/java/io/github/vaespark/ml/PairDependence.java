package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The column pairs and their dependence: Pearson correlations of continuous pairs from one
 * aggregation of Spark's {@code corr} per side (rows where both values are present), Cramér's V
 * of every other pair from its tallied contingency table.
 */
final class PairDependence {
    private final List<int[]> correlated = new ArrayList<>();
    private final List<int[]> tabulated = new ArrayList<>();
    private final List<int[]> all = new ArrayList<>();

    /** All pairs (i &lt; j), split into correlated (both continuous) and tabulated ones. */
    PairDependence(QualityColumns columns) {
        for (int i = 0; i < columns.size(); i++) {
            for (int j = i + 1; j < columns.size(); j++) {
                int[] pair = {i, j};
                all.add(pair);
                (columns.categorical(i) || columns.categorical(j) ? tabulated : correlated).add(pair);
            }
        }
    }

    /** The pairs whose contingency tables must be tallied. */
    List<int[]> tabulated() {
        return tabulated;
    }

    /** One result per pair, in order. */
    List<PairQuality> scores(Dataset<Row> both, QualityColumns columns, QualityTally tally) {
        double[][] correlations = correlations(both);
        List<PairQuality> out = new ArrayList<>();
        for (int[] pair : all) {
            int c = indexOf(correlated, pair);
            double[] values;
            if (c >= 0) {
                values = correlations[c];
            } else {
                int t = indexOf(tabulated, pair);
                values = new double[] {Contingency.cramersV(tally.table(t, QualityColumns.REAL)),
                    Contingency.cramersV(tally.table(t, QualityColumns.SYNTHETIC))};
            }
            out.add(new PairQuality(columns.names().get(pair[0]), columns.names().get(pair[1]), c >= 0,
                    values[QualityColumns.REAL], values[QualityColumns.SYNTHETIC]));
        }
        return out;
    }

    private static int indexOf(List<int[]> pairs, int[] pair) {
        for (int k = 0; k < pairs.size(); k++) {
            if (pairs.get(k) == pair) {
                return k;
            }
        }
        return -1;
    }

    /** Per correlated pair: {r_real, r_synthetic}; an undefined correlation counts as 0. */
    private double[][] correlations(Dataset<Row> both) {
        double[][] out = new double[correlated.size()][2];
        if (correlated.isEmpty()) {
            return out;
        }
        List<Column> aggs = new ArrayList<>();
        for (int[] pair : correlated) {
            aggs.add(functions.corr(col(QualityColumns.normalisedName(pair[0])),
                    col(QualityColumns.normalisedName(pair[1]))));
        }
        for (Row r : both.groupBy(col(QualityColumns.SIDE)).agg(aggs.get(0),
                aggs.subList(1, aggs.size()).toArray(new Column[0])).collectAsList()) {
            for (int k = 0; k < correlated.size(); k++) {
                double v = r.isNullAt(k + 1) ? 0 : r.getDouble(k + 1);
                out[k][r.getInt(0)] = Double.isNaN(v) ? 0 : v;
            }
        }
        return out;
    }
}
