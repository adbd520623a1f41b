package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Precision;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The training rows of one partition, stacked once into column-major blocks of the training
 * precision (one column per row) and cached; also the number of invalid rows skipped while
 * reading them. Only the last block may hold fewer than {@link #blockRows()} rows, and it is
 * trimmed to size, so the cache holds little more than the raw values.
 */
public final class PartitionData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Precision precision;
    private final int dim;
    private final int blockRows;
    private final Object[] blocks;
    private final int rows;
    private final long skipped;

    private PartitionData(Precision precision, int dim, int blockRows, Object[] blocks, int rows, long skipped) {
        this.precision = precision;
        this.dim = dim;
        this.blockRows = blockRows;
        this.blocks = blocks;
        this.rows = rows;
        this.skipped = skipped;
    }

    public Precision precision() {
        return precision;
    }

    /** Number of features per row. */
    public int dim() {
        return dim;
    }

    /** Rows per full block. */
    public int blockRows() {
        return blockRows;
    }

    /** Number of rows kept. */
    public int rows() {
        return rows;
    }

    /** Number of invalid rows dropped under handleInvalid = "skip". */
    public long skipped() {
        return skipped;
    }

    /** Bytes of cached values. */
    public long valueBytes() {
        return (long) rows * dim * precision.bytes();
    }

    /** Number of blocks. */
    public int numBlocks() {
        return blocks.length;
    }

    /** Block {@code b} as a dim × (rows in block) matrix. */
    @SuppressWarnings("unchecked")
    public <A> DenseMatrix<?> block(Kernels<A> kernels, int b) {
        checkPrecision(kernels);
        int cols = b == blocks.length - 1 ? rows - b * blockRows : blockRows;
        return kernels.matrix((A) blocks[b], 0, dim, cols);
    }

    /** Copies local row {@code row} into column {@code col} of {@code dst}. */
    @SuppressWarnings("unchecked")
    public <A> void copyRow(Kernels<A> kernels, int row, DenseMatrix<?> dst, int col) {
        checkPrecision(kernels);
        System.arraycopy(blocks[row / blockRows], (row % blockRows) * dim, kernels.data(dst),
                dst.offset() + col * dst.majorStride(), dim);
    }

    private void checkPrecision(Kernels<?> kernels) {
        if (kernels.precision() != precision) {
            throw new IllegalArgumentException("Data cached as " + precision + " read as " + kernels.precision());
        }
    }

    /** Accumulates rows into blocks. */
    public static final class Builder {
        private final Kernels<?> kernels;
        private final int dim;
        private final int blockRows;
        private final List<Object> full = new ArrayList<>();
        private Object current;
        private DenseMatrix<?> currentMatrix;
        private int inCurrent;
        private int rows;
        private long skipped;

        /**
         * @param blockRows rows per block; pick it so that a block is a few MiB
         */
        public Builder(Precision precision, int dim, int blockRows) {
            this.kernels = precision.kernels();
            this.dim = dim;
            this.blockRows = blockRows;
        }

        /** Appends one row of {@code dim} values. */
        public void add(double[] row) {
            if (current == null) {
                startBlock();
            }
            setColumn(row);
            inCurrent++;
            rows++;
            if (inCurrent == blockRows) {
                full.add(current);
                current = null;
            }
        }

        private void startBlock() {
            current = kernels.allocate(dim * blockRows);
            currentMatrix = matrix(current);
            inCurrent = 0;
        }

        @SuppressWarnings("unchecked")
        private <A> DenseMatrix<?> matrix(Object array) {
            return ((Kernels<A>) kernels).matrix((A) array, 0, dim, blockRows);
        }

        private void setColumn(double[] row) {
            kernels.setColumn(currentMatrix, inCurrent, row);
        }

        /** Counts one invalid row that was dropped. */
        public void skip() {
            skipped++;
        }

        /** The finished partition. */
        public PartitionData build() {
            if (current != null && inCurrent > 0) {
                full.add(trimmed(current, inCurrent * dim));
            }
            current = null;
            return new PartitionData(kernels.precision(), dim, blockRows, full.toArray(), rows, skipped);
        }

        private Object trimmed(Object array, int length) {
            if (array instanceof float[] f) {
                return java.util.Arrays.copyOf(f, length);
            }
            return java.util.Arrays.copyOf((double[]) array, length);
        }
    }

    /** Rows per block so that one block holds about {@code targetBytes}. */
    public static int blockRowsFor(int dim, Precision precision, long targetBytes) {
        long perRow = (long) dim * precision.bytes();
        return (int) Math.max(1, Math.min(1 << 16, targetBytes / Math.max(1, perRow)));
    }
}
