package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;

/**
 * Dense ml vectors in Spark's internal form, the row {@code VectorUDT.serialize} makes of a
 * {@code DenseVector} (type 1, no size, no indices, the values as doubles), written straight from
 * a column of a kernel matrix: no intermediate double[] or vector object per row.
 */
final class VectorCells {
    /** VectorUDT's type tag of a dense vector. */
    private static final byte DENSE = 1;

    private VectorCells() {
    }

    /** Column {@code j} of {@code m} (stored in {@code data}, a float[] or double[]) as a dense vector's internal row. */
    static InternalRow column(DenseMatrix<?> m, Object data, int j) {
        int rows = m.rows();
        int base = m.offset() + j * m.majorStride();
        UnsafeArrayData values = UnsafeArrayData.createFreshArray(rows, Double.BYTES);
        if (data instanceof float[] f) {
            for (int i = 0; i < rows; i++) {
                values.setDouble(i, f[base + i]);
            }
        } else {
            double[] d = (double[]) data;
            for (int i = 0; i < rows; i++) {
                values.setDouble(i, d[base + i]);
            }
        }
        GenericInternalRow row = new GenericInternalRow(4);
        row.setByte(0, DENSE);
        row.setNullAt(1);
        row.setNullAt(2);
        row.update(3, values);
        return row;
    }
}
