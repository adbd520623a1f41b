package io.github.vaespark.train;

import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Precision;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.Dependency;
import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Training rows converted once into cached {@link PartitionData} blocks, with the row count of
 * every partition (which fixes each partition's share of a global batch and each row's key).
 */
public final class TrainingData {
    /** Preferred size of one cached block ({@link HeapBlocks} adapts it to the executor's heap regions). */
    static final long BLOCK_BYTES = 4L << 20;

    private final JavaRDD<PartitionData> blocks;
    private final int dim;
    private final Precision precision;
    private final int[] partitionRows;
    private final long[] partitionOffsets;
    private final long rows;
    private final long skipped;
    private final long valueBytes;
    private final long storedBytes;
    private final long contentChecksum;

    private TrainingData(JavaRDD<PartitionData> blocks, int dim, Precision precision, int[] partitionRows,
                         long skipped, long valueBytes, long storedBytes, long contentChecksum) {
        this.blocks = blocks;
        this.dim = dim;
        this.precision = precision;
        this.partitionRows = partitionRows;
        this.partitionOffsets = new long[partitionRows.length];
        long total = 0;
        for (int p = 0; p < partitionRows.length; p++) {
            partitionOffsets[p] = total;
            total += partitionRows[p];
        }
        this.rows = total;
        this.skipped = skipped;
        this.valueBytes = valueBytes;
        this.storedBytes = storedBytes;
        this.contentChecksum = contentChecksum;
    }

    /**
     * Stacks {@code rows} into blocks, caches them and counts them (one Spark job).
     *
     * @param rows          feature rows of length {@code dim}; a null element is an invalid row that was skipped;
     *                      each row is copied when the iterator yields it, so a producer may reuse one array
     * @param maxPartitions if the input has more partitions, they are coalesced (without a shuffle) to this many
     * @param exchangeMode  how training will read the blocks: Spark refuses barrier stages whose narrow
     *                      ancestors have another number of partitions (coalesce, union, …), so if a barrier
     *                      job may read them, blocks with such ancestors cross one identity shuffle
     *                      (partition p stays partition p) before they are cached
     * @param name          shown in the Spark UI's storage tab
     */
    public static TrainingData cache(JavaRDD<double[]> rows, int dim, Precision precision, int maxPartitions,
                                     ExchangeMode exchangeMode, StorageLevel storageLevel, String name) {
        JavaRDD<double[]> input = rows.getNumPartitions() > maxPartitions ? rows.coalesce(maxPartitions) : rows;
        boolean barrierReady = ExchangeChoice.mayUseBarrier(exchangeMode, rows.context(), input.getNumPartitions());
        JavaRDD<PartitionData> blocks = input.mapPartitions((Iterator<double[]> it) -> {
            if (precision == Precision.BFLOAT16) {
                OneDnn.prepareInBackground();  // while the executor caches, not in the first step
            }
            // Sized in the executor's JVM, whose heap regions decide what a block really takes.
            int blockRows = PartitionData.blockRowsFor(dim, precision, HeapBlocks.targetBytes(BLOCK_BYTES));
            PartitionData.Builder builder = new PartitionData.Builder(precision, dim, blockRows);
            while (it.hasNext()) {
                double[] row = it.next();
                if (row == null) {
                    builder.skip();
                } else {
                    builder.add(row);
                }
            }
            return List.of(builder.build()).iterator();
        }, true);
        if (barrierReady && !barrierCompatible(blocks.rdd())) {
            int n = blocks.getNumPartitions();
            blocks = blocks.mapPartitionsToPair(it -> List.of(new Tuple2<>(TaskContext.getPartitionId(), it.next()))
                    .iterator()).partitionBy(new HashPartitioner(n)).values();
        }
        blocks.setName(name).persist(storageLevel);
        try {
            List<long[]> counts = blocks.map(p -> new long[] {p.rows(), p.skipped(), p.valueBytes(),
                    p.contentChecksum()}).collect();
            int[] partitionRows = new int[counts.size()];
            long skipped = 0;
            long bytes = 0;
            long checksum = 0;
            for (int p = 0; p < counts.size(); p++) {
                partitionRows[p] = (int) counts.get(p)[0];
                skipped += counts.get(p)[1];
                bytes += counts.get(p)[2];
                checksum += counts.get(p)[3];
            }
            return new TrainingData(blocks, dim, precision, partitionRows, skipped, bytes, storedBytes(blocks),
                    checksum);
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        }
    }

    /** Whether every RDD in the stage that computes {@code rdd} has rdd's number of partitions. */
    static boolean barrierCompatible(RDD<?> rdd) {
        int n = rdd.getNumPartitions();
        Deque<RDD<?>> todo = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        todo.push(rdd);
        while (!todo.isEmpty()) {
            RDD<?> r = todo.pop();
            if (!seen.add(r.id())) {
                continue;
            }
            if (r.getNumPartitions() != n) {
                return false;
            }
            for (Dependency<?> d : CollectionConverters.asJava(r.dependencies())) {
                if (!(d instanceof ShuffleDependency)) {
                    todo.push(d.rdd());
                }
            }
        }
        return true;
    }

    /** The cached blocks, one {@link PartitionData} per partition. */
    public JavaRDD<PartitionData> blocks() {
        return blocks;
    }

    public int dim() {
        return dim;
    }

    public Precision precision() {
        return precision;
    }

    public int numPartitions() {
        return partitionRows.length;
    }

    /** Row counts of all partitions (a copy). */
    public int[] partitionRows() {
        return partitionRows.clone();
    }

    /** Key of the first row of partition {@code p}: rows are keyed 0 … rows-1 in partition order. */
    public long partitionOffset(int p) {
        return partitionOffsets[p];
    }

    /** Keys of the first row of every partition (a copy). */
    public long[] partitionOffsets() {
        return partitionOffsets.clone();
    }

    /** Number of rows kept. */
    public long rows() {
        return rows;
    }

    /**
     * A {@link DataChecksum} of the kept rows' values: the same for the same rows however they are
     * ordered or partitioned, computed while the blocks were built.
     */
    public long contentChecksum() {
        return contentChecksum;
    }

    /** Number of invalid rows skipped. */
    public long skipped() {
        return skipped;
    }

    /** Bytes of the cached values (rows × dim × element size). */
    public long valueBytes() {
        return valueBytes;
    }

    /** Bytes Spark's block manager reports for the cached blocks (memory plus disk), or -1. */
    public long storedBytes() {
        return storedBytes;
    }

    private static long storedBytes(JavaRDD<PartitionData> blocks) {
        for (RDDInfo info : blocks.context().getRDDStorageInfo()) {
            if (info.id() == blocks.id()) {
                return info.memSize() + info.diskSize();
            }
        }
        return -1;
    }

    /** Drops the cached blocks. */
    public void unpersist() {
        blocks.unpersist(false);
    }
}
