package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.table.ColumnKind;
import io.github.vaespark.table.ContinuousScale;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The warm-up runs every precision and likelihood it covers without failing, once per JVM, and its
 * table network has the layout a table model's codec gives.
 */
class WarmUpTest {

    @Test
    void itsTableLayoutIsACodecs() {
        TableCodec codec = new TableCodec(List.of(
                new TableColumn("x", DataTypes.DoubleType, ColumnKind.CONTINUOUS, null,
                        ContinuousScale.standard(0, 1, -5, 5), 0.1),
                new TableColumn("c", DataTypes.StringType, ColumnKind.CATEGORICAL, List.of("a", "b", "c", "d"), null,
                        0.1),
                new TableColumn("b", DataTypes.BooleanType, ColumnKind.BINARY, null, null, 0.1)), List.of());
        assertEquals(codec.mixedColumns(), WarmUp.tableLayout().mixedColumns());
    }

    @Test
    void runsTheTrainingCodeOnItsOwnNetwork() {
        WarmUp.run(new SparkConf(false), 3);  // throws if any of its passes fails
    }

    @Test
    void startsOncePerJvmAndCompletes() throws Exception {
        CompletableFuture<Void> first = WarmUp.startInBackground(new SparkConf(false));
        assertSame(first, WarmUp.startInBackground(new SparkConf(false).set("spark.vaespark.blas", "java")),
                "a second start is the first one");
        first.get(120, TimeUnit.SECONDS);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
    }
}
