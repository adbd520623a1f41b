package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import breeze.linalg.DenseMatrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link CellMasking} hides present cells at the requested rate, as a missing value encodes, leaves
 * missing cells and condition entries alone, and decides each cell from (seed, row key, column)
 * only.
 */
class CellMaskingTest {
    /** A continuous column (entries 0, 1), a categorical one of 3 levels (2..5), a binary one (6, 7); one condition entry (8). */
    private static final MixedColumns MIXED = mixed();
    private static final int DATA_DIM = MIXED.dim() + 1;
    private static final int ROWS = 4000;

    private static MixedColumns mixed() {
        MixedColumns.Builder b = MixedColumns.builder();
        b.add(MixedColumns.Kind.GAUSSIAN, 1, 1, 0);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 0, 0.1);
        b.add(MixedColumns.Kind.CATEGORICAL, 3, 5, 1);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 1, 0.1);
        b.add(MixedColumns.Kind.BERNOULLI, 1, 7, 2);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 2, 0.1);
        return b.build();
    }

    /** Row r: the continuous value r+1 (missing when r % 10 == 0), level r % 3, binary 1, condition 0.5. */
    private static double[] row(int r) {
        double[] v = new double[DATA_DIM];
        if (r % 10 == 0) {
            v[1] = 1;
        } else {
            v[0] = r + 1;
        }
        v[2 + r % 3] = 1;
        v[6] = 1;
        v[8] = 0.5;
        return v;
    }

    private static double[][] masked(double rate, long seed, long[] keys) {
        Kernels<?> kernels = Precision.FLOAT32.kernels();
        return masked(kernels, rate, seed, keys);
    }

    private static <A> double[][] masked(Kernels<A> kernels, double rate, long seed, long[] keys) {
        A in = kernels.allocate(DATA_DIM * keys.length);
        A out = kernels.allocate(DATA_DIM * keys.length);
        DenseMatrix<?> x = kernels.matrix(in, 0, DATA_DIM, keys.length);
        DenseMatrix<?> y = kernels.matrix(out, 0, DATA_DIM, keys.length);
        for (int j = 0; j < keys.length; j++) {
            kernels.setColumn(x, j, row((int) keys[j]));
        }
        new CellMasking(MIXED, rate).apply(kernels, x, y, seed, keys, new double[DATA_DIM]);
        double[][] rows = new double[keys.length][DATA_DIM];
        for (int j = 0; j < keys.length; j++) {
            kernels.getColumn(y, j, rows[j]);
        }
        return rows;
    }

    private static long[] keys(int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i;
        }
        return keys;
    }

    @Test
    void hidesPresentCellsAtTheRateAsMissingValuesEncode() {
        double[][] out = masked(0.25, 42, keys(ROWS));
        int[] hidden = new int[3];
        int[] present = new int[3];
        for (int r = 0; r < ROWS; r++) {
            double[] in = row(r);
            double[] o = out[r];
            assertEquals(0.5, o[8], "condition entries are never hidden");
            int[][] cells = {{0, 1, 1}, {2, 3, 5}, {6, 1, 7}};  // start, width, indicator
            for (int c = 0; c < 3; c++) {
                int start = cells[c][0];
                int end = start + cells[c][1];
                int indicator = cells[c][2];
                if (in[indicator] == 1) {
                    assertArrayEquals(Arrays.copyOfRange(in, start, indicator + 1),
                            Arrays.copyOfRange(o, start, indicator + 1), "a missing cell stays as it is");
                    continue;
                }
                present[c]++;
                if (o[indicator] == 1) {
                    hidden[c]++;
                    for (int i = start; i < end; i++) {
                        assertEquals(0.0, o[i], "a hidden cell's entries are 0, row " + r + " column " + c);
                    }
                } else {
                    assertArrayEquals(Arrays.copyOfRange(in, start, end), Arrays.copyOfRange(o, start, end),
                            "a visible cell is copied, row " + r + " column " + c);
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            double share = (double) hidden[c] / present[c];
            assertTrue(Math.abs(share - 0.25) < 0.03, "column " + c + " hidden share " + share);
        }
    }

    @Test
    void aCellsFateDependsOnSeedKeyAndColumnOnly() {
        long[] keys = keys(500);
        double[][] once = masked(0.3, 7, keys);
        long[] reversed = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            reversed[i] = keys[keys.length - 1 - i];
        }
        double[][] again = masked(0.3, 7, reversed);
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(once[i], again[keys.length - 1 - i], "row " + i + " at another batch position");
        }
        double[][] otherSeed = masked(0.3, 8, keys);
        assertFalse(Arrays.deepEquals(once, otherSeed), "another seed (epoch) hides other cells");
        double[][] sameAsFloat64 = masked(Precision.FLOAT64.kernels(), 0.3, 7, keys);
        assertTrue(Arrays.deepEquals(once, sameAsFloat64), "the same cells in float64");
    }

    @Test
    void rateZeroIsInactiveAndRatesOutsideTheUnitIntervalAreRefused() {
        assertFalse(new CellMasking(MIXED, 0).active());
        assertTrue(new CellMasking(MIXED, 0.1).active());
        double[][] none = masked(0, 1, keys(50));
        for (int r = 0; r < 50; r++) {
            assertArrayEquals(row(r), none[r]);
        }
        assertThrows(IllegalArgumentException.class, () -> new CellMasking(MIXED, 1));
        assertThrows(IllegalArgumentException.class, () -> new CellMasking(MIXED, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new CellMasking(MIXED, Double.NaN));
    }
}
