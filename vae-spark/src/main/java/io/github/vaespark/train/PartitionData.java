package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.Workspace;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The training rows of one partition, stacked once into column-major blocks of the training
 * precision (one column per row) and cached; also the number of invalid rows skipped while
 * reading them. Only the last block may hold fewer than {@link #blockRows()} rows, and it is
 * trimmed to size, so the cache holds little more than the raw values.
 *
 * <p>For {@link Precision#BFLOAT16} on a CPU with native bfloat16 ({@link OneDnn#platformSupportsBf16()})
 * the values are kept as bfloat16 (each float32 value rounded to nearest even, 2 bytes instead of
 * 4) and widened to float32 as rows are loaded: the first layer's GEMM rounds its input to bfloat16
 * anyway, so only the likelihood's targets see the rounding (relative 2⁻⁹ at most). Elsewhere
 * bfloat16 runs as float32, data included.
 */
public final class PartitionData implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Precision precision;
    private final int dim;
    private final int blockRows;
    private final Object[] blocks;
    private final int rows;
    private final long skipped;
    private final long contentChecksum;

    private PartitionData(Precision precision, int dim, int blockRows, Object[] blocks, int rows, long skipped,
                          long contentChecksum) {
        this.precision = precision;
        this.dim = dim;
        this.blockRows = blockRows;
        this.blocks = blocks;
        this.rows = rows;
        this.skipped = skipped;
        this.contentChecksum = contentChecksum;
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

    /** The {@link DataChecksum} of the kept rows (as read, before any conversion to float). */
    public long contentChecksum() {
        return contentChecksum;
    }

    /** Bytes of cached values. */
    public long valueBytes() {
        long values = (long) rows * dim;
        return heldAsBf16() ? 2 * values : values * precision.bytes();
    }

    /** Whether these rows are held as bfloat16 bits. */
    private boolean heldAsBf16() {
        return blocks.length > 0 && blocks[0] instanceof short[];
    }

    /** Whether rows of this precision are cached as bfloat16 in this JVM. */
    static boolean storesBf16(Precision precision) {
        return precision == Precision.BFLOAT16 && OneDnn.platformSupportsBf16();
    }

    /** Bytes a value of a row takes in the cache. */
    private static int storedBytes(Precision precision) {
        return storesBf16(precision) ? 2 : precision.bytes();
    }

    /** Copies local row {@code row} into column {@code col} of {@code dst}. */
    public <A> void copyRow(Kernels<A> kernels, int row, DenseMatrix<?> dst, int col) {
        copyRow(kernels, row, dst, col, heldAsBf16() ? new int[dim] : null);
    }

    /**
     * As {@link #copyRow(Kernels, int, DenseMatrix, int)}; {@code bits} (dim ints, or null when the
     * rows are not stored as bfloat16) holds a bfloat16 row's widened bits on the way: shifting in
     * one loop and reinterpreting in another lets the JIT vectorise the first (one loop doing both
     * took 0.47 instead of 0.30 ms for 512 rows of 784 values on a 2-vCPU EPYC).
     */
    private <A> void copyRow(Kernels<A> kernels, int row, DenseMatrix<?> dst, int col, int[] bits) {
        checkPrecision(kernels);
        Object block = blocks[row / blockRows];
        int from = (row % blockRows) * dim;
        int to = dst.offset() + col * dst.majorStride();
        if (block instanceof short[] bf16) {
            float[] out = (float[]) kernels.data(dst);
            for (int i = 0; i < dim; i++) {
                bits[i] = bf16[from + i] << 16;
            }
            for (int i = 0; i < dim; i++) {
                out[to + i] = Float.intBitsToFloat(bits[i]);
            }
        } else {
            System.arraycopy(block, from, kernels.data(dst), to, dim);
        }
    }

    /**
     * Loads {@code n} rows into the workspace's input matrix, with their noise ε in its epsilon
     * matrix: row {@code positions[from + j]} (or {@code from + j} when {@code positions} is null)
     * goes to column j, with ε = f(noiseSeed, keyBase + row).
     *
     * @return the input matrix (inputDim × n)
     */
    <A> DenseMatrix<?> load(Kernels<A> kernels, Workspace<A> ws, int[] positions, int from, int n, long noiseSeed,
                            long keyBase, double[] scratch) {
        DenseMatrix<?> x = ws.input(n);
        DenseMatrix<?> eps = ws.epsilon(n);
        int[] bits = heldAsBf16() ? new int[dim] : null;
        for (int j = 0; j < n; j++) {
            int row = rowAt(positions, from + j);
            copyRow(kernels, row, x, j, bits);
            LatentNoise.fillColumn(kernels, eps, j, noiseSeed, keyBase + row, scratch);
        }
        return x;
    }

    /** The row at permutation position {@code position} ({@code position} itself when {@code positions} is null). */
    static int rowAt(int[] positions, int position) {
        return positions == null ? position : positions[position];
    }

    /**
     * Rows [from, to) as a partition of their own, in order, in blocks of the same size. The skipped
     * count and the content checksum, which only count as sums over partitions, go whole to the
     * one slice marked {@code first} and are 0 in the others.
     */
    PartitionData slice(int from, int to, boolean first) {
        if (from < 0 || to > rows || from > to) {
            throw new IllegalArgumentException("Rows [" + from + ", " + to + ") of a partition of " + rows);
        }
        BlockWriter writer = new BlockWriter(blockType(), dim, blockRows, to - from);
        writer.append(this, from, to);
        return new PartitionData(precision, dim, blockRows, writer.blocks(), to - from, first ? skipped : 0,
                first ? contentChecksum : 0);
    }

    /**
     * The rows of {@code parts} (same precision, width and block size; at least one part), in order,
     * as one partition; skipped counts and content checksums add up.
     */
    static PartitionData concat(List<PartitionData> parts) {
        PartitionData head = parts.get(0);
        int total = 0;
        long skipped = 0;
        long checksum = 0;
        Class<?> type = null;
        for (PartitionData part : parts) {
            total += part.rows;
            skipped += part.skipped;
            checksum += part.contentChecksum;
            type = type == null ? part.blockType() : type;
        }
        BlockWriter writer = new BlockWriter(type, head.dim, head.blockRows, total);
        for (PartitionData part : parts) {
            writer.append(part, 0, part.rows);
        }
        return new PartitionData(head.precision, head.dim, head.blockRows, writer.blocks(), total, skipped, checksum);
    }

    /** The element type of the stored blocks (short for bfloat16 bits, float, double), or null without rows. */
    private Class<?> blockType() {
        return blocks.length == 0 ? null : blocks[0].getClass().getComponentType();
    }

    /** Copies rows of stored partitions, in order, into new full blocks (the last one trimmed). */
    private static final class BlockWriter {
        private final Class<?> type;
        private final int dim;
        private final int blockRows;
        private final List<Object> out = new ArrayList<>();
        private int remaining;
        private Object current;
        private int inCurrent;

        /** For {@code total} rows of element {@code type} (null only when there are none). */
        BlockWriter(Class<?> type, int dim, int blockRows, int total) {
            this.type = type;
            this.dim = dim;
            this.blockRows = blockRows;
            this.remaining = total;
        }

        /** Appends rows [from, to) of {@code source}, whose blocks have this writer's block size. */
        void append(PartitionData source, int from, int to) {
            for (int row = from; row < to; ) {
                if (current == null) {
                    current = java.lang.reflect.Array.newInstance(type, Math.min(blockRows, remaining) * dim);
                    inCurrent = 0;
                }
                int capacity = java.lang.reflect.Array.getLength(current) / dim;
                int n = Math.min(Math.min(capacity - inCurrent, to - row), blockRows - row % blockRows);
                System.arraycopy(source.blocks[row / blockRows], (row % blockRows) * dim, current, inCurrent * dim,
                        n * dim);
                inCurrent += n;
                row += n;
                remaining -= n;
                if (inCurrent == capacity) {
                    out.add(current);
                    current = null;
                }
            }
        }

        Object[] blocks() {
            return out.toArray();
        }
    }

    private void checkPrecision(Kernels<?> kernels) {
        if (kernels.precision() != precision) {
            throw new IllegalArgumentException("Data cached as " + precision + " read as " + kernels.precision());
        }
    }

    /** Accumulates rows into blocks. */
    public static final class Builder {
        private final Kernels<?> kernels;
        private final boolean bf16;
        private final int dim;
        private final int blockRows;
        private final List<Object> full = new ArrayList<>();
        private Object current;
        private DenseMatrix<?> currentMatrix;
        private int inCurrent;
        private int rows;
        private long skipped;
        private long contentChecksum;

        /**
         * @param blockRows rows per block; pick it so that a block is a few MiB
         */
        public Builder(Precision precision, int dim, int blockRows) {
            this.kernels = precision.kernels();
            this.bf16 = storesBf16(precision);
            this.dim = dim;
            this.blockRows = blockRows;
        }

        /** Appends one row of {@code dim} values. */
        public void add(double[] row) {
            if (current == null) {
                startBlock();
            }
            setColumn(row);
            contentChecksum += DataChecksum.ofRow(row);
            inCurrent++;
            rows++;
            if (inCurrent == blockRows) {
                full.add(current);
                current = null;
            }
        }

        private void startBlock() {
            current = bf16 ? new short[dim * blockRows] : kernels.allocate(dim * blockRows);
            currentMatrix = bf16 ? null : matrix(current);
            inCurrent = 0;
        }

        @SuppressWarnings("unchecked")
        private <A> DenseMatrix<?> matrix(Object array) {
            return ((Kernels<A>) kernels).matrix((A) array, 0, dim, blockRows);
        }

        private void setColumn(double[] row) {
            if (bf16) {
                short[] block = (short[]) current;
                int at = inCurrent * dim;
                for (int i = 0; i < dim; i++) {
                    block[at + i] = GradientRounding.toBits((float) row[i]);
                }
            } else {
                kernels.setColumn(currentMatrix, inCurrent, row);
            }
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
            return new PartitionData(kernels.precision(), dim, blockRows, full.toArray(), rows, skipped,
                    contentChecksum);
        }

        private Object trimmed(Object array, int length) {
            if (array instanceof float[] f) {
                return java.util.Arrays.copyOf(f, length);
            }
            if (array instanceof short[] bits) {
                return java.util.Arrays.copyOf(bits, length);
            }
            return java.util.Arrays.copyOf((double[]) array, length);
        }
    }

    /** Rows per block so that one block holds at most {@code targetBytes} (at least one row). */
    public static int blockRowsFor(int dim, Precision precision, long targetBytes) {
        long perRow = (long) dim * storedBytes(precision);
        return (int) Math.max(1, Math.min(1 << 16, targetBytes / Math.max(1, perRow)));
    }
}
