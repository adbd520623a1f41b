package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * Dense ml vectors in Spark's internal form, the row {@code VectorUDT.serialize} makes of a
 * {@code DenseVector} (type 1, no size, no indices, the values as doubles), written straight from
 * a column of a kernel matrix: no intermediate double[] or vector object per row. An instance is
 * one reusable cell of a fixed size, overwritten by each {@link #fill} (for outputs whose consumer
 * copies what it keeps).
 */
final class VectorCells {
    /** VectorUDT's type tag of a dense vector. */
    private static final byte DENSE = 1;

    private final UnsafeArrayData values;
    private final long valuesOffset;
    private final double[] scratch;
    private final GenericInternalRow row = new GenericInternalRow(4);

    /** A reusable cell for vectors of {@code size} values. */
    VectorCells(int size) {
        values = UnsafeArrayData.createFreshArray(size, Double.BYTES);
        valuesOffset = values.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(size);
        scratch = new double[size];
        row.setByte(0, DENSE);
        row.setNullAt(1);
        row.setNullAt(2);
        row.update(3, values);
    }

    /** This cell, now holding {@code v} (as many values as the cell holds). */
    InternalRow fill(double[] v) {
        if (v.length != values.numElements()) {
            throw new IllegalArgumentException(v.length + " values in a cell of " + values.numElements());
        }
        Platform.copyMemory(v, Platform.DOUBLE_ARRAY_OFFSET, values.getBaseObject(), valuesOffset,
                (long) v.length * Double.BYTES);
        return row;
    }

    /** This cell, now holding column {@code j} of {@code m} (stored in {@code data}, a float[] or double[]). */
    InternalRow fill(DenseMatrix<?> m, Object data, int j) {
        int rows = m.rows();
        if (rows != values.numElements()) {
            throw new IllegalArgumentException("a column of " + rows + " values in a cell of " + values.numElements());
        }
        int base = m.offset() + j * m.majorStride();
        if (data instanceof float[] f) {
            for (int i = 0; i < rows; i++) {
                scratch[i] = f[base + i];
            }
            return fill(scratch);
        }
        Platform.copyMemory(data, Platform.DOUBLE_ARRAY_OFFSET + (long) base * Double.BYTES,
                values.getBaseObject(), valuesOffset, (long) rows * Double.BYTES);
        return row;
    }
}
