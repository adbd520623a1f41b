package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.Likelihood;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.junit.jupiter.api.Test;

/**
 * Reading features from Spark's internal rows: arrays in Spark's unsafe format are read without a
 * check per element when their null bitmap is clear (70 elements: a bitmap of two words), and a
 * null element in either word is still reported by position or skipped; dense vectors' values are
 * copied in one piece; other array implementations take the element-by-element path.
 */
class FeatureColumnInternalReadTest {
    private static final int DIM = 70;

    private static double[] values() {
        double[] v = new double[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = Math.sin(i) * 3;
        }
        return v;
    }

    private static UnsafeArrayData unsafeArray(boolean floats, int nullAt) {
        UnsafeArrayData a = UnsafeArrayData.createFreshArray(DIM, floats ? 4 : 8);
        double[] v = values();
        for (int i = 0; i < DIM; i++) {
            if (i == nullAt) {
                a.setNullAt(i);
            } else if (floats) {
                a.setFloat(i, (float) v[i]);
            } else {
                a.setDouble(i, v[i]);
            }
        }
        return a;
    }

    private static double[] expected(boolean floats) {
        double[] v = values();
        if (floats) {
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    private static FeatureColumn column(FeatureColumn.Kind kind, boolean skip) {
        return new FeatureColumn("features", kind, DIM, Likelihood.GAUSSIAN, skip);
    }

    private static InternalRow row(Object cell) {
        return new GenericInternalRow(new Object[] {cell});
    }

    @Test
    void unsafeArraysWithoutNullsReadExactly() {
        for (boolean floats : new boolean[] {true, false}) {
            FeatureColumn.Kind kind = floats ? FeatureColumn.Kind.FLOAT_ARRAY : FeatureColumn.Kind.DOUBLE_ARRAY;
            double[] out = new double[DIM];
            assertTrue(column(kind, false).read(row(unsafeArray(floats, -1)), 0, new RowPlace(-1).at(0), out));
            assertArrayEquals(expected(floats), out);
            double[] generic = new double[DIM];
            Object[] boxed = new Object[DIM];
            for (int i = 0; i < DIM; i++) {
                boxed[i] = floats ? (Object) (float) values()[i] : (Object) values()[i];
            }
            assertTrue(column(kind, false).read(row(new GenericArrayData(boxed)), 0, new RowPlace(-1).at(0), generic));
            assertArrayEquals(expected(floats), generic, "the element-by-element path");
        }
    }

    @Test
    void aNullElementInEitherBitmapWordIsReportedOrSkipped() {
        for (boolean floats : new boolean[] {true, false}) {
            FeatureColumn.Kind kind = floats ? FeatureColumn.Kind.FLOAT_ARRAY : FeatureColumn.Kind.DOUBLE_ARRAY;
            for (int nullAt : new int[] {3, 66}) {
                InternalRow r = row(unsafeArray(floats, nullAt));
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> column(kind, false).read(r, 0, new RowPlace(1).at(7), new double[DIM]));
                assertTrue(e.getMessage().contains("null element at position " + nullAt)
                        && e.getMessage().contains("row 7 of partition 1"), e.getMessage());
                assertFalse(column(kind, true).read(r, 0, new RowPlace(-1).at(7), new double[DIM]), "skipped");
            }
        }
    }

    @Test
    void denseVectorValuesAreCopiedInOnePiece() {
        GenericInternalRow vector = new GenericInternalRow(4);
        vector.setByte(0, (byte) 1);
        vector.setNullAt(1);
        vector.setNullAt(2);
        vector.update(3, UnsafeArrayData.fromPrimitiveArray(values()));
        double[] out = new double[DIM];
        assertTrue(column(FeatureColumn.Kind.VECTOR, false).read(row(vector), 0, new RowPlace(-1).at(0), out));
        assertArrayEquals(values(), out);
        double[] bad = values();
        bad[68] = Double.NaN;
        vector.update(3, UnsafeArrayData.fromPrimitiveArray(bad));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> column(FeatureColumn.Kind.VECTOR, false).read(row(vector), 0, new RowPlace(-1).at(0), new double[DIM]));
        assertTrue(e.getMessage().contains("NaN at position 68"), e.getMessage());
    }
}
