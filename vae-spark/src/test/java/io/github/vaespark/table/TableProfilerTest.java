package io.github.vaespark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Profiling takes one pass: a table no larger than the quantiles' sample gets the quantiles of all
 * its rows — for every numeric type, with nulls, NaN and infinities, and decimals with more digits
 * than a double holds — and a larger one those of a uniform sample of exactly the sample's size,
 * while its counts, ranges and levels still come from every row.
 */
class TableProfilerTest {
    private static final String[] COLUMNS = {"d", "f", "i", "l", "dec", "s", "b"};

    private static Dataset<Row> table(int rows, int partitions) {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType().add("d", DataTypes.DoubleType).add("f", DataTypes.FloatType)
                .add("i", DataTypes.IntegerType).add("l", DataTypes.LongType)
                .add("dec", DataTypes.createDecimalType(20, 12)).add("s", DataTypes.StringType)
                .add("b", DataTypes.BooleanType);
        SplittableRandom random = new SplittableRandom(17);
        List<Row> list = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double g = random.nextGaussian();
            Double d = r % 11 == 0 ? null : r % 13 == 0 ? Double.NaN : r % 29 == 0 ? Double.POSITIVE_INFINITY
                    : Math.exp(g);
            Float f = r % 7 == 0 ? Float.NaN : (float) (g * 3);
            Integer i = r % 5 == 0 ? null : random.nextInt(4);
            long l = random.nextLong(1_000_000_000_000L);
            BigDecimal dec = new BigDecimal(random.nextLong(100_000_000L) + "." + random.nextLong(1_000_000_000_000L))
                    .setScale(12, java.math.RoundingMode.HALF_EVEN);
            String s = r % 9 == 0 ? null : "level" + random.nextInt(3);
            Boolean b = r % 4 == 0 ? null : random.nextBoolean();
            list.add(RowFactory.create(d, f, i, l, dec, s, b));
        }
        return spark.createDataFrame(list, schema).repartition(partitions);
    }

    private static TableProfiler.Profiled profile(Dataset<Row> data, int sampleRows) {
        return TableProfiler.profiled(data, COLUMNS, new String[0], new String[0], 200, "quantile", sampleRows);
    }

    /** The quantile scaling of column {@code name} computed directly from all its cleaned values. */
    private static ContinuousScale exactScale(Dataset<Row> data, String name) {
        org.apache.spark.sql.types.DataType type = data.schema().apply(name).dataType();
        List<Row> rows = data.select(TableProfiler.cleaned(name, type)).collectAsList();
        double[] values = rows.stream().filter(r -> !r.isNullAt(0)).mapToDouble(r -> r.getDouble(0)).toArray();
        double min = java.util.Arrays.stream(values).min().orElseThrow();
        double max = java.util.Arrays.stream(values).max().orElseThrow();
        return ContinuousScale.quantile(TableProfiler.quantilesOf(values), min, max);
    }

    @Test
    void aTableNoLargerThanTheSampleGetsTheQuantilesOfAllItsRows() {
        Dataset<Row> data = table(900, 3).cache();
        TableProfiler.Profiled profiled = profile(data, TableProfiler.QUANTILE_SAMPLE);
        assertEquals(900, profiled.sampledRows());
        List<TableColumn> columns = profiled.codec().features();
        assertEquals(COLUMNS.length, columns.size());
        int continuous = 0;
        for (TableColumn column : columns) {
            if (column.kind() == ColumnKind.CONTINUOUS) {
                assertEquals(exactScale(data, column.name()), column.scale(), "quantiles of column " + column.name());
                continuous++;
            }
        }
        assertEquals(5, continuous, "d, f, i, l and dec are continuous");
        data.unpersist();
    }

    @Test
    void aLargerTableGetsTheQuantilesOfAUniformSampleOfExactlyTheSampleSize() {
        Dataset<Row> data = table(900, 3).cache();
        TableProfiler.Profiled all = profile(data, TableProfiler.QUANTILE_SAMPLE);
        TableProfiler.Profiled sampled = profile(data, 300);
        assertEquals(300, sampled.sampledRows());
        assertEquals(sampled.codec(), profile(data, 300).codec(), "the same sample every time");
        for (int c = 0; c < COLUMNS.length; c++) {
            TableColumn exact = all.codec().features().get(c);
            TableColumn approx = sampled.codec().features().get(c);
            // Counts, missing rates, ranges and levels come from every row.
            assertEquals(exact.missingRate(), approx.missingRate(), COLUMNS[c]);
            assertEquals(exact.levels(), approx.levels(), COLUMNS[c]);
            if (exact.kind() == ColumnKind.CONTINUOUS) {
                assertEquals(exact.scale().min(), approx.scale().min(), COLUMNS[c]);
                assertEquals(exact.scale().max(), approx.scale().max(), COLUMNS[c]);
                if (!COLUMNS[c].equals("i")) {  // i holds four values: its quantiles may come out the same
                    assertTrue(!exact.scale().equals(approx.scale()), "column " + COLUMNS[c] + " was not sampled");
                }
                // A quartile of a 300-row sample sits within a few percentiles of the exact one (for
                // a tied value, of the range of probabilities it holds).
                double[] q = exact.scale().quantiles();
                int m = q.length - 1;
                for (int p : new int[] {50, 100, 150}) {
                    double v = approx.scale().quantiles()[p];
                    double from = ContinuousScale.countBelow(q, v) / (double) m;
                    double to = ContinuousScale.countBelow(q, Math.nextUp(v)) / (double) m;
                    assertTrue(p / 200.0 >= from - 0.08 && p / 200.0 <= to + 0.08, COLUMNS[c] + ": quantile " + p
                            + "/200 of the sample, " + v + ", holds probabilities " + from + " to " + to);
                }
            }
        }
        data.unpersist();
    }

    /**
     * The standard scaling's mean and standard deviation of a column far from zero (epoch
     * milliseconds spread over seconds) across partitions: as a two-pass computation gives them.
     * The former one-pass formula E[x²] − E[x]² lost every digit here (2.9e24 − 2.9e24).
     */
    @Test
    void theStandardScalingOfValuesFarFromZeroKeepsTheirSpread() {
        SparkSession spark = SparkTestSession.get();
        SplittableRandom random = new SplittableRandom(5);
        List<Row> list = new ArrayList<>();
        for (int r = 0; r < 2_000; r++) {
            list.add(RowFactory.create(r % 17 == 0 ? null : 1.7e12 + 1_000 * random.nextGaussian()));
        }
        Dataset<Row> data = spark.createDataFrame(list, new StructType().add("t", DataTypes.DoubleType)).repartition(4);
        double[] values = list.stream().filter(r -> !r.isNullAt(0)).mapToDouble(r -> r.getDouble(0)).toArray();
        double mean = java.util.Arrays.stream(values).sum() / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(squares / values.length);
        ContinuousScale scale = TableProfiler.profiled(data, new String[] {"t"}, new String[0], new String[0], 200,
                "standard", TableProfiler.QUANTILE_SAMPLE).codec().features().get(0).scale();
        assertEquals(mean, scale.mean(), 1e-12 * Math.abs(mean));
        assertEquals(sd, scale.sd(), 1e-6 * sd);
        assertTrue(sd > 900 && sd < 1_100, "the spread is about 1,000: " + sd);
    }

    /** Values whose squares overflow a double cannot take the standard scaling: an error names the column. */
    @Test
    void standardScalingOfValuesTooLargeIsAnErrorNamingTheColumn() {
        SparkSession spark = SparkTestSession.get();
        List<Row> list = new ArrayList<>();
        for (int r = 0; r < 100; r++) {
            list.add(RowFactory.create(r * 1e200, (double) r));
        }
        Dataset<Row> data = spark.createDataFrame(list,
                new StructType().add("huge", DataTypes.DoubleType).add("ok", DataTypes.DoubleType));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TableProfiler.profiled(data, new String[] {"ok", "huge"}, new String[0], new String[0], 200,
                        "standard", TableProfiler.QUANTILE_SAMPLE));
        assertTrue(e.getMessage().contains("Column 'huge'") && e.getMessage().contains("continuousScaling=quantile"),
                e.getMessage());
        // The quantile scaling takes them.
        TableProfiler.profiled(data, new String[] {"ok", "huge"}, new String[0], new String[0], 200,
                "quantile", TableProfiler.QUANTILE_SAMPLE);
    }

    /** A table without rows, even one without partitions (limit(0)), says so. */
    @Test
    void anEmptyTableSaysItHasNoRows() {
        Dataset<Row> data = table(50, 2);
        for (Dataset<Row> empty : List.of(data.limit(0), data.where("false"))) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> profile(empty, TableProfiler.QUANTILE_SAMPLE));
            assertTrue(e.getMessage().contains("has no rows"), e.getMessage());
        }
    }
}
