package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The column pairs and their dependence: Pearson correlations of continuous pairs from one pass
 * over the rows ({@link PairMoments}, rows where both values are present), Cramér's V of every
 * other pair from its tallied contingency table.
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

    /**
     * Per correlated pair: {r_real, r_synthetic}; an undefined correlation counts as 0. One pass
     * over both tables ({@link PairMoments} per side, merged across partitions).
     */
    private double[][] correlations(Dataset<Row> both) {
        double[][] out = new double[correlated.size()][2];
        if (correlated.isEmpty()) {
            return out;
        }
        // The continuous columns the pairs use, each read once: pair ends are positions in that list.
        List<Integer> used = new ArrayList<>();
        int[] first = new int[correlated.size()];
        int[] second = new int[correlated.size()];
        for (int k = 0; k < correlated.size(); k++) {
            first[k] = position(used, correlated.get(k)[0]);
            second[k] = position(used, correlated.get(k)[1]);
        }
        List<Column> selected = new ArrayList<>();
        selected.add(col(QualityColumns.SIDE));
        for (int i : used) {
            selected.add(col(QualityColumns.normalisedName(i)));
        }
        int width = used.size();
        PairMoments[] zero = {new PairMoments(first, second), new PairMoments(first, second)};
        PairMoments[] sides = both.select(selected.toArray(new Column[0])).toJavaRDD().mapPartitions(rows -> {
            PairMoments[] partial = {new PairMoments(first, second), new PairMoments(first, second)};
            double[] values = new double[width];
            while (rows.hasNext()) {
                Row r = rows.next();
                for (int c = 0; c < width; c++) {
                    values[c] = r.isNullAt(c + 1) ? Double.NaN : r.getDouble(c + 1);
                }
                partial[r.getInt(0)].add(values);
            }
            return java.util.Collections.singletonList(partial).iterator();
        }).fold(zero, (a, b) -> new PairMoments[] {a[0].merge(b[0]), a[1].merge(b[1])});
        for (int k = 0; k < correlated.size(); k++) {
            out[k][QualityColumns.REAL] = sides[QualityColumns.REAL].correlation(k);
            out[k][QualityColumns.SYNTHETIC] = sides[QualityColumns.SYNTHETIC].correlation(k);
        }
        return out;
    }

    /** The position of column i in {@code used}, added at the end if new. */
    private static int position(List<Integer> used, int i) {
        int at = used.indexOf(i);
        if (at < 0) {
            used.add(i);
            return used.size() - 1;
        }
        return at;
    }
}
