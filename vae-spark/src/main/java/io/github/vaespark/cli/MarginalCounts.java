package io.github.vaespark.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.github.vaespark.io.MarginalPlots.Marginal;
import io.github.vaespark.table.ColumnKind;
import io.github.vaespark.table.ColumnRef;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import io.github.vaespark.table.TemporalValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;

/**
 * The counts behind {@link io.github.vaespark.io.MarginalPlots}, aggregated by Spark: per
 * continuous column one range over both tables (one job) and, per table, every column's bin or
 * level counts and missing count at once (one job: each row becomes one (column, key) pair per
 * column, grouped and counted).
 */
final class MarginalCounts {
    private MarginalCounts() {
    }

    /** One marginal per modelled column of {@code table}, continuous ones in {@code bins} bins. */
    static List<Marginal> compute(TableCodec table, Dataset<Row> real, Dataset<Row> synthetic, int bins) {
        List<TableColumn> columns = table.features();
        double[][] ranges = ranges(columns, real, synthetic);
        Map<Integer, Map<String, Long>> realCounts = counts(columns, ranges, real, bins);
        Map<Integer, Map<String, Long>> syntheticCounts = counts(columns, ranges, synthetic, bins);
        List<Marginal> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            TableColumn c = columns.get(i);
            Map<String, Long> r = realCounts.getOrDefault(i, new HashMap<>());
            Map<String, Long> s = syntheticCounts.getOrDefault(i, new HashMap<>());
            long realMissing = r.getOrDefault(null, 0L);
            long syntheticMissing = s.getOrDefault(null, 0L);
            if (c.kind() == ColumnKind.CONTINUOUS) {
                List<String> keys = new ArrayList<>();
                for (int b = 0; b < bins; b++) {
                    keys.add(Integer.toString(b));
                }
                // A date's or timestamp's axis is labelled as dates ("date", "timestamp", "timestamp_ntz"; days, seconds).
                String kind = TemporalValues.isTemporal(c.type()) ? c.type().typeName() : "continuous";
                out.add(new Marginal(c.name(), kind, null, ranges[i][0], ranges[i][1], tally(keys, r), tally(keys, s),
                        realMissing, syntheticMissing));
            } else {
                List<String> levels = levels(c, r, s);
                out.add(Marginal.levels(c.name(), c.kind().name().toLowerCase(Locale.ROOT), levels,
                        tally(levels, r), tally(levels, s), realMissing, syntheticMissing));
            }
        }
        return out;
    }

    /** [min, max] of each continuous column over both tables (NaN ignored); null for other columns. */
    private static double[][] ranges(List<TableColumn> columns, Dataset<Row> real, Dataset<Row> synthetic) {
        List<Column> aggs = new ArrayList<>();
        for (TableColumn c : columns) {
            if (c.kind() == ColumnKind.CONTINUOUS) {
                aggs.add(min(present(c)));
                aggs.add(max(present(c)));
            }
        }
        double[][] ranges = new double[columns.size()][];
        if (aggs.isEmpty()) {
            return ranges;
        }
        Column[] names = columns.stream().map(c -> ColumnRef.of(c.name())).toArray(Column[]::new);
        Row r = real.select(names).unionByName(synthetic.select(names))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
        int k = 0;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).kind() == ColumnKind.CONTINUOUS) {
                double lo = r.isNullAt(k) ? 0 : r.getDouble(k);
                double hi = r.isNullAt(k + 1) ? 1 : r.getDouble(k + 1);
                ranges[i] = new double[] {lo, hi > lo ? hi : lo + 1};
                k += 2;
            }
        }
        return ranges;
    }

    /** Column index → key (bin number or level; null for missing) → rows, for one table. */
    private static Map<Integer, Map<String, Long>> counts(List<TableColumn> columns, double[][] ranges,
                                                          Dataset<Row> rows, int bins) {
        Column[] pairs = new Column[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            pairs[i] = struct(lit(i).as("column"), key(columns.get(i), ranges[i], bins).as("key"));
        }
        Map<Integer, Map<String, Long>> out = new HashMap<>();
        for (Row r : rows.select(explode(org.apache.spark.sql.functions.array(pairs)).as("p"))
                .groupBy(col("p.column"), col("p.key")).count().collectAsList()) {
            out.computeIfAbsent(r.getInt(0), k -> new HashMap<>()).put(r.isNullAt(1) ? null : r.getString(1),
                    r.getLong(2));
        }
        return out;
    }

    /** The bin number (continuous) or level (others) of a value as text; null when missing. */
    private static Column key(TableColumn c, double[] range, int bins) {
        Column value = present(c);
        if (c.kind() == ColumnKind.CONTINUOUS) {
            Column bin = least(floor(value.minus(range[0]).divide(range[1] - range[0]).multiply(bins)),
                    lit(bins - 1));
            // least() skips nulls: a missing value must stay null, not fall into the last bin.
            return when(value.isNotNull(), bin.cast(DataTypes.LongType).cast(DataTypes.StringType));
        }
        if (c.type() instanceof NumericType) {
            // Numbers coded as categories: whole numbers in their plain form, as the model's levels.
            return when(value.equalTo(floor(value)), value.cast(DataTypes.LongType).cast(DataTypes.StringType))
                    .otherwise(value.cast(DataTypes.StringType));
        }
        return value.cast(DataTypes.StringType);
    }

    /** The column as a value, null where missing (null, or NaN in a floating column). */
    private static Column present(TableColumn c) {
        Column value = ColumnRef.of(c.name());
        if (c.type().equals(DataTypes.DoubleType) || c.type().equals(DataTypes.FloatType)) {
            return when(isnan(value), lit(null).cast(c.type())).otherwise(value).cast(DataTypes.DoubleType);
        }
        return c.kind() == ColumnKind.CONTINUOUS ? TemporalValues.asNumber(value, c.type()) : value;
    }

    /** The model's levels (most frequent in training first), then any other values seen, sorted. */
    private static List<String> levels(TableColumn c, Map<String, Long> real, Map<String, Long> synthetic) {
        Set<String> levels = new LinkedHashSet<>(c.kind() == ColumnKind.BINARY ? List.of("false", "true")
                : c.levels());
        Set<String> extra = new TreeSet<>();
        for (Map<String, Long> m : List.of(real, synthetic)) {
            m.keySet().stream().filter(k -> k != null && !levels.contains(k)).forEach(extra::add);
        }
        levels.addAll(extra);
        return new ArrayList<>(levels);
    }

    private static long[] tally(List<String> keys, Map<String, Long> counts) {
        long[] out = new long[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            out[k] = counts.getOrDefault(keys.get(k), 0L);
        }
        return out;
    }
}
