package io.github.vaespark.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Learns a {@link TableCodec} from a DataFrame with Spark aggregations (nothing proportional to the
 * rows reaches the driver): each column's kind from its type, its missing rate, the range and
 * quantiles (or mean and sd) of continuous columns, and the levels of categorical ones — with
 * errors naming the column for unsupported types, all-missing columns and too many levels.
 */
public final class TableProfiler {
    /** Quantiles of the quantile normalisation: at probabilities i/QUANTILE_STEPS. */
    static final int QUANTILE_STEPS = 200;
    /** Relative rank error of Spark's approxQuantile. */
    static final double QUANTILE_ERROR = 1e-3;

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
        throw new IllegalArgumentException("Column '" + name + "' has type " + type.simpleString()
                + ", which a table model cannot read: use numeric (continuous, or categorical codes via "
                + "categoricalCols), string (categorical) or boolean (binary) columns.");
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
        Column c = functions.col(name);
        if (type instanceof DoubleType || type instanceof FloatType) {
            return functions.when(functions.isnan(c).or(functions.abs(c).equalTo(Double.POSITIVE_INFINITY)),
                    functions.lit(null)).otherwise(c.cast("double"));
        }
        return type instanceof NumericType ? c.cast("double") : c;
    }

    /**
     * Profiles the columns of {@code data}.
     *
     * @param scaleMethod "quantile" or "standard" for continuous columns
     */
    public static TableCodec profile(Dataset<?> data, String[] inputCols, String[] categoricalCols,
                                     String[] conditionCols, int maxCategories, String scaleMethod) {
        StructType schema = data.schema();
        check(schema, inputCols, categoricalCols, conditionCols);
        Set<String> categorical = new HashSet<>(Arrays.asList(categoricalCols));
        List<String> all = new ArrayList<>(new LinkedHashSet<>(Arrays.asList(inputCols)));
        all.addAll(Arrays.asList(conditionCols));
        int n = all.size();
        DataType[] types = new DataType[n];
        ColumnKind[] kinds = new ColumnKind[n];
        List<Column> aggregates = new ArrayList<>(List.of(functions.count(functions.lit(1))));
        for (int i = 0; i < n; i++) {
            String name = all.get(i);
            types[i] = field(schema, name, "inputCols").dataType();
            kinds[i] = kindOf(name, types[i], categorical.contains(name));
            Column c = cleaned(name, types[i]);
            aggregates.add(functions.count(c));
            if (kinds[i] == ColumnKind.CONTINUOUS) {
                aggregates.add(functions.min(c));
                aggregates.add(functions.max(c));
                aggregates.add(functions.avg(c));
                aggregates.add(functions.stddev_pop(c));
            }
        }
        Row stats = data.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(new Column[0]))
                .first();
        long rows = stats.getLong(0);
        if (rows == 0) {
            throw new IllegalArgumentException("The training data has no rows");
        }
        double[][] quantiles = continuousQuantiles(data, all, types, kinds, scaleMethod);
        List<TableColumn> features = new ArrayList<>();
        List<TableColumn> conditions = new ArrayList<>();
        int s = 1;
        for (int i = 0; i < n; i++) {
            String name = all.get(i);
            long present = stats.getLong(s++);
            if (present == 0) {
                throw new IllegalArgumentException("Column '" + name + "' has no non-missing values in the training "
                        + "data (all " + rows + " rows are null or NaN): drop it from inputCols.");
            }
            double missingRate = 1 - (double) present / rows;
            ContinuousScale scale = null;
            List<String> levels = null;
            if (kinds[i] == ColumnKind.CONTINUOUS) {
                double min = stats.getDouble(s++);
                double max = stats.getDouble(s++);
                double mean = stats.getDouble(s++);
                double sd = stats.getDouble(s++);
                scale = quantiles[i] != null ? ContinuousScale.quantile(quantiles[i], min, max)
                        : ContinuousScale.standard(mean, sd, min, max);
            } else if (kinds[i] == ColumnKind.CATEGORICAL) {
                levels = levels(data, name, types[i], maxCategories);
            }
            TableColumn column = new TableColumn(name, types[i], kinds[i], levels, scale, missingRate);
            (i < inputCols.length ? features : conditions).add(column);
        }
        return new TableCodec(features, conditions);
    }

    private static double[][] continuousQuantiles(Dataset<?> data, List<String> all, DataType[] types,
                                                  ColumnKind[] kinds, String scaleMethod) {
        double[][] out = new double[all.size()][];
        if (!"quantile".equals(scaleMethod)) {
            return out;
        }
        List<Column> columns = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (kinds[i] == ColumnKind.CONTINUOUS) {
                columns.add(cleaned(all.get(i), types[i]).as("q" + which.size()));
                which.add(i);
            }
        }
        if (which.isEmpty()) {
            return out;
        }
        double[] probabilities = new double[QUANTILE_STEPS + 1];
        for (int p = 0; p <= QUANTILE_STEPS; p++) {
            probabilities[p] = (double) p / QUANTILE_STEPS;
        }
        String[] names = new String[which.size()];
        for (int j = 0; j < names.length; j++) {
            names[j] = "q" + j;
        }
        double[][] q = data.select(columns.toArray(new Column[0])).stat()
                .approxQuantile(names, probabilities, QUANTILE_ERROR);
        for (int j = 0; j < which.size(); j++) {
            out[which.get(j)] = q[j];
        }
        return out;
    }

    /** Levels by descending frequency (ties by level), at most maxCategories of them. */
    private static List<String> levels(Dataset<?> data, String name, DataType type, int maxCategories) {
        Column c = cleaned(name, type);
        Dataset<Row> counts = data.select(c.as("level")).where(functions.col("level").isNotNull())
                .groupBy("level").count();
        List<Row> top = counts.orderBy(functions.desc("count"), functions.asc("level"))
                .limit(maxCategories + 1).collectAsList();
        if (top.size() > maxCategories) {
            long distinct = counts.count();
            throw new IllegalArgumentException("Column '" + name + "' has " + distinct + " distinct values, more than "
                    + "maxCategories = " + maxCategories + ": raise maxCategories, or leave the column out of "
                    + "inputCols (an identifier or free text is not a category).");
        }
        List<String> levels = new ArrayList<>();
        for (Row r : top) {
            levels.add(TableColumn.levelOf(r.get(0)));
        }
        return levels;
    }
}
