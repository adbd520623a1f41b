package io.github.vaespark.nn;

import breeze.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Training-time masking of a table row's cells from the encoder: each present cell of a masked
 * column is hidden with probability {@code rate} — its entries set to 0 and its missing indicator
 * to 1, exactly as a missing value encodes — in the encoder's copy of the row only. The
 * likelihood still scores the true row, so the decoder learns to reconstruct hidden cells from
 * the others and the encoder to infer a row from part of it, which is what imputation asks of
 * them (the partial-VAE / masked-autoencoder recipe; q(z | part of x) still gives a lower bound on
 * log p(x)). Whether a cell is hidden is a function of (seed, row key, column) alone, so a row's
 * masks do not depend on the chunk it is computed in, the threads or the exchange.
 */
public final class CellMasking implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Per masked column: its first entry, its width without the indicator, the indicator entry. */
    private final int[] starts;
    private final int[] widths;
    private final int[] indicators;
    private final int[] columns;
    private final double rate;

    /**
     * Masking of the columns of {@code mixed} that have a missing indicator (every table column
     * has one), at {@code rate} in [0, 1).
     */
    public CellMasking(MixedColumns mixed, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("maskRate must be in [0, 1) but was " + rate);
        }
        this.rate = rate;
        List<int[]> found = new ArrayList<>();
        for (MixedColumns.Segment s : mixed.segments()) {
            if (s.mask() >= 0) {
                found.add(new int[] {s.start(), s.width(), s.mask(), s.column()});
            }
        }
        starts = found.stream().mapToInt(f -> f[0]).toArray();
        widths = found.stream().mapToInt(f -> f[1]).toArray();
        indicators = found.stream().mapToInt(f -> f[2]).toArray();
        columns = found.stream().mapToInt(f -> f[3]).toArray();
    }

    /** Whether any cell can be hidden. */
    public boolean active() {
        return rate > 0 && starts.length > 0;
    }

    /** The masking of a layout's table cells at {@code rate}, or null where no cell is ever hidden. */
    public static CellMasking of(VaeLayout layout, double rate) {
        if (rate == 0 || layout.mixedColumns() == null) {
            return null;
        }
        CellMasking masking = new CellMasking(layout.mixedColumns(), rate);
        return masking.active() ? masking : null;
    }

    /**
     * Writes into {@code out} (same shape as {@code x}) the encoder's view of the rows of {@code x}:
     * column j of {@code x} is the row with key {@code keys[j]}; {@code scratch} holds at least
     * x.rows() values.
     */
    public <A> void apply(Kernels<A> kernels, DenseMatrix<?> x, DenseMatrix<?> out, long seed, long[] keys,
                          double[] scratch) {
        for (int j = 0; j < x.cols(); j++) {
            kernels.getColumn(x, j, scratch);
            long rowSeed = LatentNoise.mix(seed, keys[j]);
            for (int c = 0; c < starts.length; c++) {
                if (scratch[indicators[c]] == 0 && hidden(rowSeed, columns[c])) {
                    Arrays.fill(scratch, starts[c], starts[c] + widths[c], 0.0);
                    scratch[indicators[c]] = 1;
                }
            }
            kernels.setColumn(out, j, scratch);
        }
    }

    /** Whether the cell of {@code column} of the row with seed {@code rowSeed} is hidden. */
    boolean hidden(long rowSeed, int column) {
        long bits = LatentNoise.mix(rowSeed, column);
        return (bits >>> 11) * 0x1p-53 < rate;
    }
}
