package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Float32Kernels;
import io.github.vaespark.nn.Float64Kernels;
import io.github.vaespark.nn.Kernels;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.junit.jupiter.api.Test;

/** Vectors written straight from a matrix column are the rows VectorUDT makes of the same values. */
class VectorCellsTest {
    private static final VectorUDT VECTOR = new VectorUDT();

    @Test
    void float32ColumnsAreVectorUdtRows() {
        check(Float32Kernels.INSTANCE);
    }

    @Test
    void float64ColumnsAreVectorUdtRows() {
        check(Float64Kernels.INSTANCE);
    }

    private static <A> void check(Kernels<A> k) {
        // 5×4 inside a larger buffer: the view starts at an offset and has a leading dimension of 7.
        A data = k.allocate(40);
        DenseMatrix<?> all = k.matrix(data, 3, 7, 5);
        double[] column = new double[7];
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 7; i++) {
                column[i] = (j * 7 + i) * 0.37 - 5.1;
            }
            k.setColumn(all, j, column);
        }
        DenseMatrix<?> view = k.rowRange(all, 1, 5);
        for (int j = 0; j < 5; j++) {
            double[] expected = new double[4];
            double[] full = new double[7];
            k.getColumn(all, j, full);
            System.arraycopy(full, 1, expected, 0, 4);
            InternalRow cell = new VectorCells(view.rows()).fill(view, k.data(view), j);
            InternalRow reference = VECTOR.serialize(new DenseVector(expected));
            assertEquals(reference.getByte(0), cell.getByte(0));
            assertEquals(reference.isNullAt(1), cell.isNullAt(1));
            assertEquals(reference.isNullAt(2), cell.isNullAt(2));
            assertEquals(UnsafeArrayData.fromPrimitiveArray(expected), cell.getArray(3), "column " + j);
            assertArrayEquals(expected, VECTOR.deserialize(cell).toArray());
        }
    }
}
