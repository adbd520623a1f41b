package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The result of {@link SyntheticDataQuality#compare}: one shape score per column, one dependence
 * score per column pair, and each column's missing rate on both sides. Scores are in [0, 1], 1
 * meaning indistinguishable by that measure. Immutable and serializable.
 */
public final class QualityReport implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<ColumnQuality> columns;
    private final List<PairQuality> pairs;

    QualityReport(List<ColumnQuality> columns, List<PairQuality> pairs) {
        this.columns = List.copyOf(columns);
        this.pairs = List.copyOf(pairs);
    }

    /** The compared column names, in order. */
    public List<String> columns() {
        return columns.stream().map(ColumnQuality::name).toList();
    }

    /** Mean column shape score over the compared columns. */
    public double columnShapes() {
        return columns.stream().mapToDouble(ColumnQuality::score).average().orElse(Double.NaN);
    }

    /** The column's shape score: 1 − KS statistic (continuous) or 1 − total variation distance (categorical). */
    public double columnShape(String column) {
        return column(column).score();
    }

    /** Mean pair dependence score over all column pairs; NaN with fewer than two columns. */
    public double pairDependence() {
        return pairs.stream().mapToDouble(PairQuality::score).average().orElse(Double.NaN);
    }

    /**
     * The pair's dependence score, in either order: 1 − |r_real − r_synthetic| / 2 for two
     * continuous columns (Pearson r), 1 − |V_real − V_synthetic| otherwise (Cramér's V).
     */
    public double pairScore(String a, String b) {
        for (PairQuality p : pairs) {
            if (p.is(a, b)) {
                return p.score();
            }
        }
        throw new IllegalArgumentException("No pair ('" + a + "', '" + b + "') in this report; its columns are "
                + columns());
    }

    /** {real, synthetic} fraction of rows where the column is null or NaN. */
    public double[] nullRates(String column) {
        ColumnQuality c = column(column);
        return new double[] {c.realNullRate(), c.syntheticNullRate()};
    }

    /** The largest |null rate real − null rate synthetic| over the columns (0 without columns). */
    public double maxNullRateGap() {
        return columns.stream().mapToDouble(c -> Math.abs(c.realNullRate() - c.syntheticNullRate())).max().orElse(0);
    }

    private ColumnQuality column(String name) {
        for (ColumnQuality c : columns) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("Column '" + name + "' is not in this report; its columns are " + columns());
    }

    /** A readable multi-line table: the summary, then one line per column and per pair. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Synthetic data quality: column shapes %.4f, pair dependence %.4f, "
                + "max null-rate gap %.4f%n", columnShapes(), pairDependence(), maxNullRateGap()));
        int width = 6;
        for (ColumnQuality c : columns) {
            width = Math.max(width, c.name().length());
        }
        for (PairQuality p : pairs) {
            width = Math.max(width, p.first().length() + p.second().length() + 3);
        }
        String row = "%-" + width + "s  %-11s  %-11s  %6s  %9s  %9s  %s%n";
        s.append(String.format(Locale.ROOT, row, "column", "kind", "measure", "score", "null real", "null synth",
                "details"));
        for (ColumnQuality c : columns) {
            s.append(String.format(Locale.ROOT, row, c.name(), c.kind(), c.measure(), fmt(c.score()),
                    fmt(c.realNullRate()), fmt(c.syntheticNullRate()), c.details()));
        }
        for (PairQuality p : pairs) {
            s.append(String.format(Locale.ROOT, row, p.first() + " ~ " + p.second(), "pair", p.measure(),
                    fmt(p.score()), "", "", p.details()));
        }
        return s.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    @Override
    public String toString() {
        return format();
    }

    /**
     * The report as a small DataFrame for notebooks: one row per column and per pair, with columns
     * kind ("continuous", "categorical" or "pair"), name ("a" or "a ~ b"), measure, score,
     * real_null_rate and synthetic_null_rate (null for pairs) and details.
     */
    public Dataset<Row> toDataFrame(SparkSession spark) {
        List<Row> rows = new ArrayList<>();
        for (ColumnQuality c : columns) {
            rows.add(RowFactory.create(c.kind(), c.name(), c.measure(), c.score(), c.realNullRate(),
                    c.syntheticNullRate(), c.details()));
        }
        for (PairQuality p : pairs) {
            rows.add(RowFactory.create("pair", p.first() + " ~ " + p.second(), p.measure(), p.score(), null, null,
                    p.details()));
        }
        StructType schema = new StructType()
                .add("kind", DataTypes.StringType, false)
                .add("name", DataTypes.StringType, false)
                .add("measure", DataTypes.StringType, false)
                .add("score", DataTypes.DoubleType, false)
                .add("real_null_rate", DataTypes.DoubleType, true)
                .add("synthetic_null_rate", DataTypes.DoubleType, true)
                .add("details", DataTypes.StringType, false);
        return spark.createDataFrame(rows, schema);
    }
}
