package io.github.vaespark.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Learns a {@link TableCodec} from a DataFrame with Spark aggregations (the driver receives at most
 * {@link #QUANTILE_SAMPLE} rows' continuous values, never the table): each column's kind from its
 * type, its missing rate, the range and quantiles (or mean and sd) of continuous columns, and the
 * levels of categorical ones — with errors naming the column for unsupported types, all-missing
 * columns and too many levels. One pass, whatever the table's size: the quantiles come from all
 * rows of a table of at most {@link #QUANTILE_SAMPLE} rows, and from a uniform random sample of
 * exactly that many rows of a larger one, drawn in the same pass ({@link QuantileSample}).
 */
public final class TableProfiler {
    private static final String NO_ROWS = "The training data has no rows: cannot fit a VariationalAutoencoder "
            + "on an empty dataset.";

    /** Quantiles of the quantile normalisation: at probabilities i/QUANTILE_STEPS. */
    static final int QUANTILE_STEPS = 200;
    /** Rows sampled for the quantiles of large tables (all rows of smaller ones). */
    static final int QUANTILE_SAMPLE = 100_000;
    /**
     * Values the sample may hold (80 MB of doubles): a table with more than 100 continuous columns
     * samples fewer rows (at least 1,000), so that a task's memory stays bounded.
     */
    static final long QUANTILE_SAMPLE_VALUES = 10_000_000;
    private static final long QUANTILE_SEED = 0x5EEDL;

    private TableProfiler() {
    }

    /** The kind a column of {@code type} gets; {@code forceCategorical} for numeric codes. */
    public static ColumnKind kindOf(String name, DataType type, boolean forceCategorical) {
        if (type instanceof BooleanType) {
            return ColumnKind.BINARY;
        }
        if (type instanceof StringType) {
            return ColumnKind.CATEGORICAL;
        }
        if (type instanceof NumericType) {
            return forceCategorical ? ColumnKind.CATEGORICAL : ColumnKind.CONTINUOUS;
        }
        if (TemporalValues.isTemporal(type)) {
            if (forceCategorical) {
                throw new IllegalArgumentException("Column '" + name + "' is a " + type.simpleString() + ", which a "
                        + "table model reads as a continuous value; to model its values as categories, cast it to "
                        + "string and leave it out of categoricalCols.");
            }
            return ColumnKind.CONTINUOUS;
        }
        throw new IllegalArgumentException("Column '" + name + "' has type " + type.simpleString()
                + ", which a table model cannot read: use numeric (continuous, or categorical codes via "
                + "categoricalCols), date, timestamp or timestamp_ntz (continuous), string (categorical) or boolean (binary) "
                + "columns.");
    }

    /** The field named {@code name}, or an error listing the columns. */
    public static StructField field(StructType schema, String name, String param) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("Column '" + name + "' (" + param + ") does not exist; available columns: "
                + String.join(", ", schema.fieldNames()));
    }

    /**
     * Checks the column lists against a schema without running a job.
     *
     * @throws IllegalArgumentException naming the column at fault
     */
    public static void check(StructType schema, String[] inputCols, String[] categoricalCols, String[] conditionCols) {
        Set<String> seen = new HashSet<>();
        for (String c : inputCols) {
            if (!seen.add(c)) {
                throw new IllegalArgumentException("Column '" + c + "' is listed twice in inputCols");
            }
        }
        for (String c : conditionCols) {
            if (!seen.add(c)) {
                throw new IllegalArgumentException("Column '" + c + "' is listed twice in inputCols/conditionCols");
            }
        }
        Set<String> categorical = new HashSet<>(Arrays.asList(categoricalCols));
        for (String c : categoricalCols) {
            if (!seen.contains(c)) {
                throw new IllegalArgumentException("Column '" + c + "' of categoricalCols is not in inputCols or "
                        + "conditionCols");
            }
        }
        for (String c : inputCols) {
            kindOf(c, field(schema, c, "inputCols").dataType(), categorical.contains(c));
        }
        for (String c : conditionCols) {
            kindOf(c, field(schema, c, "conditionCols").dataType(), categorical.contains(c));
        }
    }

    /** The column as it counts for a table model: NaN (floating columns) and ±Inf become null. */
    static Column cleaned(String name, DataType type) {
        Column c = ColumnRef.of(name);
        if (type instanceof DoubleType || type instanceof FloatType) {
            return functions.when(functions.isnan(c).or(functions.abs(c).equalTo(Double.POSITIVE_INFINITY)),
                    functions.lit(null)).otherwise(c.cast(DataTypes.DoubleType));
        }
        // A DataType, not the name "double": a name goes through Spark's SQL parser, whose first use
        // in a JVM was most of the half second before a first table fit's first job (JFR, 2-vCPU EPYC).
        return type instanceof NumericType ? c.cast(DataTypes.DoubleType) : c;
    }

    /**
     * Profiles the columns of {@code data}.
     *
     * @param scaleMethod "quantile" or "standard" for continuous columns
     */
    public static TableCodec profile(Dataset<?> data, String[] inputCols, String[] categoricalCols,
                                     String[] conditionCols, int maxCategories, String scaleMethod) {
        return profiled(data, inputCols, categoricalCols, conditionCols, maxCategories, scaleMethod, QUANTILE_SAMPLE)
                .codec();
    }

    /**
     * A profile, and the number of rows whose values gave the quantiles (0 without quantile
     * scaling or continuous columns).
     */
    record Profiled(TableCodec codec, int sampledRows) {
    }

    /**
     * As {@link #profile}, with the quantiles' sample holding at most {@code sampleRows} rows (fewer
     * for tables of more than 100 continuous columns: {@link #QUANTILE_SAMPLE_VALUES}).
     */
    static Profiled profiled(Dataset<?> data, String[] inputCols, String[] categoricalCols, String[] conditionCols,
                             int maxCategories, String scaleMethod, int sampleRows) {
        StructType schema = data.schema();
        check(schema, inputCols, categoricalCols, conditionCols);
        Set<String> categorical = new HashSet<>(Arrays.asList(categoricalCols));
        List<String> all = new ArrayList<>(Arrays.asList(inputCols));
        all.addAll(Arrays.asList(conditionCols));
        int n = all.size();
        DataType[] types = new DataType[n];
        ColumnKind[] kinds = new ColumnKind[n];
        Column[] selected = new Column[n];
        for (int i = 0; i < n; i++) {
            String name = all.get(i);
            types[i] = field(schema, name, "inputCols").dataType();
            kinds[i] = kindOf(name, types[i], categorical.contains(name));
            selected[i] = ColumnRef.of(name);
        }
        // One pass: counts, ranges, moments and levels, and the continuous values' sample.
        // Internal rows: a Row, boxed number and String per cell was most of the pass's time.
        org.apache.spark.api.java.JavaRDD<InternalRow> rowsRdd = data.select(selected).queryExecution().toRdd()
                .toJavaRDD();
        InternalCells[] cells = new InternalCells[n];
        for (int i = 0; i < n; i++) {
            cells[i] = InternalCells.of(types[i], kinds[i]);  // never null: kindOf accepted each type
        }
        int sampled = "quantile".equals(scaleMethod)
                ? (int) Arrays.stream(kinds).filter(k -> k == ColumnKind.CONTINUOUS).count() : 0;
        int capacity = (int) Math.min(sampleRows, Math.max(1_000, QUANTILE_SAMPLE_VALUES / Math.max(1, sampled)));
        if (rowsRdd.getNumPartitions() == 0) {  // e.g. limit(0): treeReduce would fail on "empty collection"
            throw new IllegalArgumentException(NO_ROWS);
        }
        ColumnStats stats = rowsRdd.mapPartitionsWithIndex((partition, rows) -> {
            ColumnStats partial = new ColumnStats(kinds, maxCategories);
            partial.quantileSample = sampled == 0 ? null
                    : new QuantileSample(sampled, capacity, QUANTILE_SEED, partition);
            rows.forEachRemaining(row -> partial.add(row, cells));
            partial.finish();
            return List.of(partial).iterator();
        }, false).treeReduce(ColumnStats::merge);
        if (stats.rows == 0) {
            throw new IllegalArgumentException(NO_ROWS);
        }
        double[][] quantiles = continuousQuantiles(kinds, stats.quantileSample);
        List<TableColumn> features = new ArrayList<>();
        List<TableColumn> conditions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = all.get(i);
            if (stats.present[i] == 0) {
                throw new IllegalArgumentException("Column '" + name + "' has no non-missing values in the training "
                        + "data (all " + stats.rows + " rows are null or NaN): drop it from inputCols.");
            }
            double missingRate = 1 - (double) stats.present[i] / stats.rows;
            ContinuousScale scale = null;
            List<String> levels = null;
            if (kinds[i] == ColumnKind.CONTINUOUS) {
                if (quantiles[i] != null) {
                    scale = ContinuousScale.quantile(quantiles[i], stats.min[i], stats.max[i]);
                } else if (Double.isFinite(stats.mean(i)) && Double.isFinite(stats.sd(i))) {
                    scale = ContinuousScale.standard(stats.mean(i), stats.sd(i), stats.min[i], stats.max[i]);
                } else {
                    throw new IllegalArgumentException("Column '" + name + "' holds values too large for "
                            + "continuousScaling=standard (from " + stats.min[i] + " to " + stats.max[i]
                            + ": its standard deviation overflows a double): use continuousScaling=quantile, "
                            + "or rescale the column.");
                }
            } else if (kinds[i] == ColumnKind.CATEGORICAL) {
                if (stats.overflow[i]) {
                    long distinct = data.select(cleaned(name, types[i]).as("level"))
                            .where(functions.col("level").isNotNull()).distinct().count();
                    throw new IllegalArgumentException("Column '" + name + "' has " + distinct + " distinct values, "
                            + "more than maxCategories = " + maxCategories + ": raise maxCategories, or leave the "
                            + "column out of inputCols (an identifier or free text is not a category).");
                }
                levels = stats.sortedLevels(i);
            }
            TableColumn column = new TableColumn(name, types[i], kinds[i], levels, scale, missingRate);
            (i < inputCols.length ? features : conditions).add(column);
        }
        return new Profiled(new TableCodec(features, conditions),
                stats.quantileSample == null ? 0 : stats.quantileSample.rows());
    }

    /**
     * Quantiles at probabilities i/QUANTILE_STEPS of each continuous column, computed exactly on the
     * sample's values (all rows of a table no larger than the sample; rank error about
     * 0.5/√QUANTILE_SAMPLE for a larger one). Null entries where there is no sample (standard
     * scaling, or no continuous column).
     */
    private static double[][] continuousQuantiles(ColumnKind[] kinds, QuantileSample sample) {
        double[][] out = new double[kinds.length][];
        if (sample == null) {
            return out;
        }
        int j = 0;
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == ColumnKind.CONTINUOUS) {
                out[i] = quantilesOf(sample.of(j++));
            }
        }
        return out;
    }

    /** Quantiles at probabilities i/QUANTILE_STEPS, linear between order statistics (null if no values). */
    static double[] quantilesOf(double[] values) {
        if (values.length == 0) {
            return null;
        }
        Arrays.sort(values);
        double[] q = new double[QUANTILE_STEPS + 1];
        for (int p = 0; p <= QUANTILE_STEPS; p++) {
            double position = (double) p / QUANTILE_STEPS * (values.length - 1);
            int lo = (int) Math.floor(position);
            int hi = Math.min(values.length - 1, lo + 1);
            q[p] = values[lo] + (position - lo) * (values[hi] - values[lo]);
        }
        return q;
    }
}
