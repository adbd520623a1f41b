package io.github.vaespark.table;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantileSampleTest {
    private static final long SEED = 11;

    /** Partition p's row i holds the value p · 1e6 + i in its first column, and a missing value or -1 in its second. */
    private static QuantileSample partition(int p, int rows, int capacity) {
        QuantileSample sample = new QuantileSample(2, capacity, SEED, p);
        for (int i = 0; i < rows; i++) {
            sample.add(new double[] {p * 1e6 + i, i % 3 == 0 ? Double.NaN : -1.0});
        }
        return sample;
    }

    /** The first column's values of the {@code capacity} rows of smallest keys, by brute force. */
    private static double[] expected(int[] rows, int capacity) {
        List<long[]> keyed = new ArrayList<>();
        for (int p = 0; p < rows.length; p++) {
            for (int i = 0; i < rows[p]; i++) {
                keyed.add(new long[] {QuantileSample.key(SEED, p, i), p, i});
            }
        }
        keyed.sort((a, b) -> Long.compare(a[0], b[0]));
        return keyed.stream().limit(capacity).mapToDouble(k -> k[1] * 1e6 + k[2]).sorted().toArray();
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    @Test
    void aTableNoLargerThanTheCapacityIsKeptWhole() {
        QuantileSample a = partition(0, 40, 100).merge(partition(1, 60, 100));
        assertEquals(100, a.rows());
        assertArrayEquals(expected(new int[] {40, 60}, 100), sorted(a.of(0)));
        assertEquals(100 - 14 - 20, a.of(1).length, "the nulls of the second column are left out");
    }

    @Test
    void aLargerTableGivesTheRowsOfSmallestKeysWhateverTheMergeOrder() {
        int[] rows = {5000, 1200, 3000, 7};
        double[] expected = expected(rows, 500);
        QuantileSample leftToRight = partition(0, rows[0], 500).merge(partition(1, rows[1], 500))
                .merge(partition(2, rows[2], 500)).merge(partition(3, rows[3], 500));
        QuantileSample tree = partition(3, rows[3], 500).merge(partition(2, rows[2], 500))
                .merge(partition(1, rows[1], 500).merge(partition(0, rows[0], 500)));
        assertEquals(500, leftToRight.rows());
        assertArrayEquals(expected, sorted(leftToRight.of(0)));
        assertArrayEquals(expected, sorted(tree.of(0)));
    }

    @Test
    void theSampleIsUniform() {
        // 20,000 rows in one partition, 2,000 sampled: their positions spread evenly over the rows.
        double[] values = partition(0, 20_000, 2_000).of(0);
        assertEquals(2_000, values.length);
        int[] deciles = new int[10];
        for (double v : values) {
            deciles[(int) (v / 2_000)]++;
        }
        for (int d = 0; d < 10; d++) {
            assertTrue(deciles[d] > 140 && deciles[d] < 260, "decile " + d + " holds " + deciles[d] + " of 2,000");
        }
    }

    @Test
    void itTravelsCutToItsCapacity() throws Exception {
        QuantileSample sample = partition(0, 1000, 50);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sample);
        }
        assertTrue(bytes.size() < 3_000, "serialised to " + bytes.size() + " bytes: more than 50 rows' worth");
        QuantileSample back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (QuantileSample) in.readObject();
        }
        assertArrayEquals(expected(new int[] {1000}, 50), sorted(back.of(0)));
        assertArrayEquals(sorted(sample.of(0)), sorted(back.merge(partition(1, 0, 50)).of(0)));
    }
}
