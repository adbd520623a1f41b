package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Precision;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cached rows load as the values the precision keeps: float32 as {@code (float) v}; bfloat16, on a
 * CPU with native bfloat16, as v rounded to bfloat16 in 2 bytes a value (elsewhere as float32, the
 * test says which it checked), across full blocks and the trimmed last one.
 */
class PartitionDataTest {
    private static final int DIM = 7;
    private static final int ROWS = 5;

    private static double[][] rows() {
        Random random = new Random(3);
        double[][] rows = new double[ROWS][DIM];
        for (double[] row : rows) {
            for (int i = 0; i < DIM; i++) {
                row[i] = random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3);
            }
        }
        rows[0][0] = 1.0 / 3;
        rows[0][1] = 1000.7;
        return rows;
    }

    private static <A> float[] load(PartitionData data, Kernels<A> kernels, int row) {
        A values = kernels.allocate(DIM + 2);
        DenseMatrix<?> column = kernels.matrix(values, 1, DIM, 1);
        data.copyRow(kernels, row, column, 0);
        return (float[]) values;
    }

    private static PartitionData cache(Precision precision, double[][] rows) {
        PartitionData.Builder builder = new PartitionData.Builder(precision, DIM, 2);  // blocks of 2 rows: 2, 2, 1
        for (double[] row : rows) {
            builder.add(row);
        }
        return builder.build();
    }

    @Test
    void float32RowsLoadAsFloats() {
        double[][] rows = rows();
        PartitionData data = cache(Precision.FLOAT32, rows);
        assertEquals((long) ROWS * DIM * 4, data.valueBytes());
        for (int r = 0; r < ROWS; r++) {
            float[] got = load(data, Precision.FLOAT32.kernels(), r);
            for (int i = 0; i < DIM; i++) {
                assertEquals((float) rows[r][i], got[1 + i], "row " + r + " value " + i);
            }
        }
    }

    @Test
    void bfloat16RowsAreCachedInTwoBytesWhereNativeAndLoadRounded() {
        boolean bf16 = OneDnn.platformSupportsBf16();
        System.out.println("PartitionDataTest: this CPU " + (bf16 ? "has" : "has no")
                + " native bfloat16, so bfloat16 rows are checked as " + (bf16 ? "bfloat16" : "float32 (the fallback)"));
        double[][] rows = rows();
        PartitionData data = cache(Precision.BFLOAT16, rows);
        assertEquals((long) ROWS * DIM * (bf16 ? 2 : 4), data.valueBytes());
        for (int r = 0; r < ROWS; r++) {
            float[] got = load(data, Precision.BFLOAT16.kernels(), r);
            assertEquals(0f, got[0], "before the column");
            assertEquals(0f, got[DIM + 1], "after the column");
            for (int i = 0; i < DIM; i++) {
                float expected = bf16 ? GradientRounding.round((float) rows[r][i]) : (float) rows[r][i];
                assertEquals(expected, got[1 + i], "row " + r + " value " + i);
            }
        }
        if (bf16) {
            assertEquals(0.333984375f, load(data, Precision.BFLOAT16.kernels(), 0)[1], "1/3 to nearest bfloat16");
            assertEquals(1000f, load(data, Precision.BFLOAT16.kernels(), 0)[2], "1000.7 to nearest bfloat16");
        }
    }
}
