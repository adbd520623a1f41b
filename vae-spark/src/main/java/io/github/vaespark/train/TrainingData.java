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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Training rows converted once into cached {@link PartitionData} blocks, with the row count of
 * every partition (which fixes each partition's share of a global batch and each row's key).
 */
public final class TrainingData {
    /** Preferred size of one cached block ({@link HeapBlocks} adapts it to the executor's heap regions). */
    static final long BLOCK_BYTES = 4L << 20;
    /** Rows are spread over more partitions only where each keeps at least this many. */
    static final int MIN_SPLIT_ROWS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

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
     * @param maxPartitions if the input has more partitions, they are coalesced (without a shuffle) to this many;
     *                      if it has fewer, or one much fuller than the rest, the rows are spread evenly over
     *                      more (one shuffle of the cached blocks, {@link #rebalancedPartitions})
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
            // Never more partitions than task slots: a barrier job needs a slot for each.
            int target = rebalancedPartitions(partitionRows,
                    Math.min(maxPartitions, Math.max(1, ExchangeChoice.taskSlots(rows.context()))));
            if (target > 0) {
                JavaRDD<PartitionData> even = rebalance(blocks, partitionRows, target).setName(name)
                        .persist(storageLevel);
                int[] evenRows = new int[target];
                long total = java.util.Arrays.stream(partitionRows).asLongStream().sum();
                for (int q = 0; q < target; q++) {
                    evenRows[q] = (int) (pieceStart(total, q + 1, target) - pieceStart(total, q, target));
                }
                List<Integer> counted = even.map(PartitionData::rows).collect();  // caches the new blocks
                for (int q = 0; q < target; q++) {
                    if (counted.get(q) != evenRows[q]) {
                        throw new IllegalStateException("Partition " + q + " of the rebalanced training rows holds "
                                + counted.get(q) + " rows, not " + evenRows[q]);
                    }
                }
                LOG.info("{}: the input's partitions held {} rows; training uses {} partitions of {} rows each at "
                        + "most instead (maxPartitions {}), one shuffle of the cached blocks", name,
                        java.util.Arrays.toString(partitionRows), target,
                        java.util.Arrays.stream(evenRows).max().orElse(0), maxPartitions);
                blocks.unpersist(false);
                blocks = even;
                partitionRows = evenRows;
            }
            return new TrainingData(blocks, dim, precision, partitionRows, skipped, bytes, storedBytes(blocks),
                    checksum);
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        }
    }

    /**
     * How many partitions the rows should be spread over instead of the input's, or 0 to keep them:
     * training runs one task per partition and a step waits for the fullest one, so an input with
     * fewer partitions than {@code maxPartitions} allows (a small Parquet file is one row group,
     * read as one partition holding every row and others holding none) or with one partition much
     * fuller than the rest leaves task slots idle. The target is as many partitions as
     * {@code maxPartitions} allows with at least {@link #MIN_SPLIT_ROWS} rows each; the input is
     * kept when it already has that many partitions, none more than 1.5 times an even share.
     */
    static int rebalancedPartitions(int[] partitionRows, int maxPartitions) {
        long total = java.util.Arrays.stream(partitionRows).asLongStream().sum();
        int target = (int) Math.min(maxPartitions, total / MIN_SPLIT_ROWS);
        if (target < 2) {
            return 0;
        }
        int fullest = java.util.Arrays.stream(partitionRows).max().orElse(0);
        boolean even = partitionRows.length >= target && fullest <= 1.5 * total / partitionRows.length;
        return even ? 0 : target;
    }

    /** The first row (in partition order) of piece q of k of {@code total} rows; pieces differ by at most one row. */
    static long pieceStart(long total, int q, int k) {
        return total * q / k;
    }

    /**
     * The rows, in partition order, as {@code k} contiguous pieces of (nearly) equal size: each
     * input partition sends the slices of its rows that fall into each piece, keyed by the piece
     * (which a hash partitioner of k partitions maps to itself), and each piece joins its slices in
     * input-partition order. Rows keep their order, hence their keys, through one shuffle of the
     * cached blocks.
     */
    private static JavaRDD<PartitionData> rebalance(JavaRDD<PartitionData> blocks, int[] partitionRows, int k) {
        long[] starts = new long[partitionRows.length + 1];
        for (int p = 0; p < partitionRows.length; p++) {
            starts[p + 1] = starts[p] + partitionRows[p];
        }
        long total = starts[partitionRows.length];
        return blocks.mapPartitionsToPair(it -> {
            int p = TaskContext.getPartitionId();
            PartitionData data = it.next();
            List<Tuple2<Integer, Tuple2<Integer, PartitionData>>> out = new java.util.ArrayList<>();
            long first = starts[p];
            long last = starts[p + 1];
            for (int q = 0; q < k; q++) {
                long from = Math.max(first, pieceStart(total, q, k));
                long to = Math.min(last, pieceStart(total, q + 1, k));
                // Every partition sends its skipped count and checksum with its first slice, even an empty one.
                boolean carriesTotals = q == 0;
                if (to > from || carriesTotals) {
                    out.add(new Tuple2<>(q, new Tuple2<>(p, data.slice((int) Math.max(0, from - first),
                            (int) Math.max(0, Math.max(from, to) - first), carriesTotals))));
                }
            }
            return out.iterator();
        }).partitionBy(new HashPartitioner(k)).mapPartitions(it -> {
            List<Tuple2<Integer, Tuple2<Integer, PartitionData>>> slices = new java.util.ArrayList<>();
            it.forEachRemaining(slices::add);
            slices.sort(java.util.Comparator.comparingInt(t -> t._2()._1()));
            List<PartitionData> ordered = new java.util.ArrayList<>();
            for (Tuple2<Integer, Tuple2<Integer, PartitionData>> t : slices) {
                ordered.add(t._2()._2());
            }
            return List.of(PartitionData.concat(ordered)).iterator();
        }, true);
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
