package io.github.vaespark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * The profile of a small table takes its quantiles from the counting pass; it equals, column for
 * column, the profile made with a pass of their own — for every numeric type, with nulls, NaN and
 * infinities, and decimals with more digits than a double holds — and a partition holding more
 * than its share of the budget falls back to that second pass.
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

    private static TableProfiler.Profiled profile(Dataset<Row> data, long budget) {
        return TableProfiler.profiled(data, COLUMNS, new String[0], new String[0], 200, "quantile", budget);
    }

    @Test
    void aSmallTableIsProfiledInOnePassWithTheSameQuantiles() {
        Dataset<Row> data = table(900, 3).cache();
        TableProfiler.Profiled one = profile(data, TableProfiler.QUANTILE_SAMPLE);
        TableProfiler.Profiled two = profile(data, 0);
        assertTrue(one.onePass(), "a 900-row table is profiled in one pass");
        assertFalse(two.onePass(), "with no budget the quantiles take a pass of their own");
        List<TableColumn> a = one.codec().features();
        List<TableColumn> b = two.codec().features();
        assertEquals(COLUMNS.length, a.size());
        for (int c = 0; c < a.size(); c++) {
            assertEquals(b.get(c), a.get(c), "column " + COLUMNS[c]);
            if (a.get(c).kind() == ColumnKind.CONTINUOUS) {
                assertEquals(b.get(c).scale(), a.get(c).scale(), "quantiles of column " + COLUMNS[c]);
                assertEquals("quantile", a.get(c).scale().method(), COLUMNS[c]);
            }
        }
        assertEquals(b.toString(), a.toString());
        data.unpersist();
    }

    @Test
    void aPartitionOverItsShareFallsBackToTheSecondPass() {
        Dataset<Row> data = table(600, 3).cache();
        // 3 partitions of about 200 rows against a share of 100 rows each.
        TableProfiler.Profiled over = profile(data, 300);
        TableProfiler.Profiled two = profile(data, 0);
        assertFalse(over.onePass(), "a partition over its share gives up carrying values");
        assertEquals(two.codec().features(), over.codec().features());
        data.unpersist();
    }
}
