package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.table.ColumnKind;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import io.github.vaespark.table.TableProfiler;
import io.github.vaespark.table.TemporalValues;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Fitting reads table columns from Spark's internal rows (profiling and caching), transform and
 * sampling from Rows: both must see the same values. For every column type a table model takes —
 * with nulls, NaN, infinities, decimals, dates and timestamps before 1970, numbers coded as
 * categories — the profile's ranges and levels are those of the Row values, and every row encodes
 * to the same doubles (or is skipped, or fails with the same message) either way.
 */
class TableRowsInternalReadTest {
    private static final String[] COLUMNS = {"d", "f", "i", "l", "sh", "by", "dec", "day", "at", "ntz", "s", "b",
        "code", "dcode", "deccode"};
    private static final String[] CATEGORICAL = {"code", "dcode", "deccode"};

    private static Dataset<Row> table(int rows) {
        StructType schema = new StructType().add("d", DataTypes.DoubleType).add("f", DataTypes.FloatType)
                .add("i", DataTypes.IntegerType).add("l", DataTypes.LongType).add("sh", DataTypes.ShortType)
                .add("by", DataTypes.ByteType).add("dec", DataTypes.createDecimalType(20, 12))
                .add("day", DataTypes.DateType).add("at", DataTypes.TimestampType)
                .add("ntz", DataTypes.TimestampNTZType).add("s", DataTypes.StringType)
                .add("b", DataTypes.BooleanType).add("code", DataTypes.IntegerType)
                .add("dcode", DataTypes.DoubleType).add("deccode", DataTypes.createDecimalType(6, 2));
        SplittableRandom random = new SplittableRandom(23);
        List<Row> list = new ArrayList<>();
        String[] words = {"alpha", "beta", "gamma", "δέλτα", ""};
        for (int r = 0; r < rows; r++) {
            double g = random.nextGaussian();
            long micros = random.nextLong(-2_000_000_000_000_000L, 2_000_000_000_000_000L);  // ±63 years
            Double d = r % 11 == 0 ? null : r % 13 == 0 ? Double.NaN : r == 97 ? Double.POSITIVE_INFINITY : g * 1e3;
            Float f = r % 7 == 0 ? Float.NaN : (float) (g / 3);
            BigDecimal dec = new BigDecimal(random.nextLong(-100_000_000L, 100_000_000L) + "."
                    + random.nextLong(1_000_000_000_000L)).setScale(12, java.math.RoundingMode.HALF_EVEN);
            LocalDateTime ntz = LocalDateTime.of(1950, 1, 1, 0, 0).plusNanos(random.nextLong(3_000_000_000_000L) * 1_000_000L
                    + random.nextInt(1_000) * 1_000L);
            list.add(RowFactory.create(d, f, r % 5 == 0 ? null : random.nextInt(-50, 50),
                    random.nextLong(-1L << 53, 1L << 53), (short) random.nextInt(-300, 300),
                    r % 6 == 0 ? null : (byte) random.nextInt(-100, 100), r % 8 == 0 ? null : dec,
                    r % 9 == 0 ? null : Date.valueOf(java.time.LocalDate.ofEpochDay(random.nextInt(-20_000, 20_000))),
                    r % 10 == 0 ? null : Timestamp.from(java.time.Instant.EPOCH.plusNanos(micros * 1_000L)),
                    r % 12 == 0 ? null : ntz, r % 4 == 0 ? null : words[random.nextInt(words.length)],
                    r % 3 == 0 ? null : random.nextBoolean(), random.nextInt(4),
                    r % 14 == 0 ? Double.NaN : random.nextBoolean() ? 1.0 : 2.5,
                    r % 15 == 0 ? null : new BigDecimal(random.nextInt(3) + ".50")));
        }
        return SparkTestSession.get().createDataFrame(list, schema).repartition(3).cache();
    }

    private static TableCodec profile(Dataset<Row> data) {
        return TableProfiler.profile(data, COLUMNS, CATEGORICAL, new String[0], 200, "quantile");
    }

    private static DataType[] types(Dataset<Row> data) {
        return Arrays.stream(data.select(COLUMNS[0], Arrays.copyOfRange(COLUMNS, 1, COLUMNS.length)).schema().fields())
                .map(StructField::dataType).toArray(DataType[]::new);
    }

    @Test
    void theProfileHasTheRangesAndLevelsOfTheRowValues() {
        Dataset<Row> data = table(2_000);
        TableCodec codec = profile(data);
        List<Row> rows = data.collectAsList();
        for (TableColumn column : codec.features()) {
            int field = Arrays.asList(COLUMNS).indexOf(column.name());
            if (column.kind() == ColumnKind.CONTINUOUS) {
                double[] values = rows.stream().filter(r -> !TableColumn.isMissing(r.get(field)))
                        .mapToDouble(r -> TemporalValues.toNumber(r.get(field))).filter(Double::isFinite).toArray();
                assertEquals(Arrays.stream(values).min().orElseThrow(), column.scale().min(), column.name());
                assertEquals(Arrays.stream(values).max().orElseThrow(), column.scale().max(), column.name());
            } else if (column.kind() == ColumnKind.CATEGORICAL) {
                Map<String, Long> counts = rows.stream().filter(r -> !TableColumn.isMissing(r.get(field)))
                        .map(r -> r.get(field) instanceof BigDecimal b ? b.stripTrailingZeros().toPlainString()
                                : r.get(field) instanceof Double x && x == Math.rint(x) ? Long.toString(x.longValue())
                                : r.get(field).toString())
                        .collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
                List<String> expected = counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(
                        Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey)
                        .toList();
                assertEquals(expected, column.levels(), column.name());
            }
        }
        assertEquals(5, codec.features().get(Arrays.asList(COLUMNS).indexOf("s")).levels().size(),
                "four words and the empty string");
    }

    @Test
    void everyRowEncodesAsItsRowDoesOrIsSkippedAlike() {
        Dataset<Row> data = table(2_000);
        TableRows reader = new TableRows(profile(data), false, true);
        assertNotNull(reader.internalCells(types(data)), "every column is read from internal rows");
        List<double[]> internal = TrainingInput.decode(data, reader, "", false, false).collect();
        List<Row> rows = data.collectAsList();
        assertEquals(rows.size(), internal.size());
        int skipped = 0;
        for (int k = 0; k < rows.size(); k++) {
            double[] expected = new double[reader.dim()];
            if (reader.read(rows.get(k), new RowPlace(0).at(k), expected)) {
                assertArrayEquals(expected, internal.get(k), 0.0, "row " + k);
            } else {
                assertNull(internal.get(k), "row " + k + " is skipped");
                skipped++;
            }
        }
        assertEquals(1, skipped, "the row holding +Infinity");
    }

    @Test
    void anInvalidRowFailsWithTheMessageOfTheRowPath() {
        Dataset<Row> data = table(300);
        TableRows strict = new TableRows(profile(data), false, false);
        SparkException e = assertThrows(SparkException.class,
                () -> TrainingInput.decode(data, strict, "", false, false).count());
        Throwable cause = e;
        while (!(cause instanceof InvalidInputException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        // The Row path's message for the same row at the same place.
        List<int[]> places = data.javaRDD().mapPartitionsWithIndex((partition, it) -> {
            List<int[]> found = new ArrayList<>();
            for (int i = 0; it.hasNext(); i++) {
                Row row = it.next();
                if (!row.isNullAt(0) && Double.isInfinite(row.getDouble(0))) {
                    found.add(new int[] {partition, i});
                }
            }
            return found.iterator();
        }, true).collect();
        assertEquals(1, places.size());
        Row infinite = data.filter("d = double('Infinity')").first();
        InvalidInputException expected = assertThrows(InvalidInputException.class, () -> strict.read(infinite,
                new RowPlace(places.get(0)[0]).at(places.get(0)[1]), new double[strict.dim()]));
        assertTrue(expected.getMessage().startsWith("Column 'd' row "), expected.getMessage());
        assertEquals(expected.getMessage(), cause.getMessage());
    }
}
