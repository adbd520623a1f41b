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

    /**
     * Its passes run at every chunk width, so the code it compiles has met new GEMM shapes (and
     * grown buffers) as a fit's first step does; checked on the bfloat16 shapes where oneDNN runs
     * bfloat16 natively (the first dense layer of its 48-32-16-4 networks, one per width).
     */
    @Test
    void runsEveryChunkWidth() {
        WarmUp.run(new SparkConf(false), 2 * WarmUp.WIDTHS.length);
        boolean nativeBf16 = io.github.vaespark.nn.Precision.BFLOAT16.kernels() instanceof io.github.vaespark.nn.Bfloat16Kernels b
                && b.nativeBf16();
        if (!nativeBf16) {
            System.err.println("WarmUpTest.runsEveryChunkWidth SKIPPED its shape check: no native bfloat16 here");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(nativeBf16, "no native bfloat16 GEMM here");
        for (int width : WarmUp.WIDTHS) {
            String shape = "Shape[transA=false, transB=false, m=32, n=" + width + ", k=48, epilogue=BIAS_RELU]";
            assertTrue(io.github.vaespark.blas.Bf16Gemm.shapesCreated().contains(shape), shape);
        }
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
