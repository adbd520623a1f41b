package io.github.vaespark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.io.MarginalPlots.Marginal;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableProfiler;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The counts behind the marginal plots, on tables small enough to count by hand. */
class MarginalCountsTest {
    private static final StructType SCHEMA = new StructType()
            .add("x", DataTypes.DoubleType).add("colour", DataTypes.StringType).add("flag", DataTypes.BooleanType)
            .add("code", DataTypes.IntegerType);

    private static Dataset<Row> table(Object[]... rows) {
        return SparkTestSession.get().createDataFrame(
                java.util.Arrays.stream(rows).map(RowFactory::create).toList(), SCHEMA);
    }

    @Test
    void binsLevelsAndMissingValuesOfBothTables() {
        Dataset<Row> real = table(
                new Object[] {0.0, "red", true, 1},
                new Object[] {1.0, "red", false, 2},
                new Object[] {2.0, "blue", true, 1},
                new Object[] {4.0, null, null, null},
                new Object[] {null, "blue", true, 2},
                new Object[] {Double.NaN, "red", true, 1});
        Dataset<Row> synthetic = table(
                new Object[] {3.9, "blue", false, 2},
                new Object[] {null, "green", false, 2});
        TableCodec codec = TableProfiler.profile(real, new String[] {"x", "colour", "flag", "code"},
                new String[] {"code"}, new String[0], 10, "standard");
        List<Marginal> m = MarginalCounts.compute(codec, real, synthetic, 4);

        Marginal x = m.get(0);
        assertEquals("continuous", x.kind());
        assertEquals(0.0, x.lo());
        assertEquals(4.0, x.hi());
        assertArrayEquals(new long[] {1, 1, 1, 1}, x.real(), "0 | 1 | 2 | 4 (the top edge in the last bin)");
        assertEquals(2, x.realMissing(), "null and NaN are missing, not in a bin");
        assertArrayEquals(new long[] {0, 0, 0, 1}, x.synthetic());
        assertEquals(1, x.syntheticMissing());

        Marginal colour = m.get(1);
        assertEquals(List.of("red", "blue", "green"), colour.levels(), "training levels first, then others");
        assertArrayEquals(new long[] {3, 2, 0}, colour.real());
        assertArrayEquals(new long[] {0, 1, 1}, colour.synthetic());
        assertEquals(1, colour.realMissing());

        Marginal flag = m.get(2);
        assertEquals("binary", flag.kind());
        assertEquals(List.of("false", "true"), flag.levels());
        assertArrayEquals(new long[] {1, 4}, flag.real());
        assertArrayEquals(new long[] {2, 0}, flag.synthetic());

        Marginal code = m.get(3);
        assertEquals("categorical", code.kind());
        assertArrayEquals(new long[] {3, 2}, code.real(), code.levels().toString());
        assertEquals(List.of("1", "2"), code.levels());
        assertEquals(1, code.realMissing());
    }
}
