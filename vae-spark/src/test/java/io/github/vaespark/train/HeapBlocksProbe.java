package io.github.vaespark.train;

import io.github.vaespark.nn.Precision;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link HeapBlocksTest}: caches {@code blocks} full blocks of 1,024-feature
 * float32 rows, sized by {@link HeapBlocks} ("adapted") or at the plain preferred size ("plain"),
 * and prints the heap's growth divided by the bytes of the rows.
 */
public final class HeapBlocksProbe {
    private HeapBlocksProbe() {
    }

    public static void main(String[] args) {
        boolean adapted = "adapted".equals(args[0]);
        int blocks = Integer.parseInt(args[1]);
        int dim = 1024;
        long target = adapted ? HeapBlocks.targetBytes(TrainingData.BLOCK_BYTES) : TrainingData.BLOCK_BYTES;
        int blockRows = PartitionData.blockRowsFor(dim, Precision.FLOAT32, target);
        // Loads and initialises the classes involved first, so that their objects are not counted.
        new PartitionData.Builder(Precision.FLOAT32, dim, blockRows).build();
        System.gc();
        long before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        PartitionData.Builder builder = new PartitionData.Builder(Precision.FLOAT32, dim, blockRows);
        double[] row = new double[dim];
        for (long r = 0; r < (long) blocks * blockRows; r++) {
            row[(int) (r % dim)] = r;
            builder.add(row);
        }
        List<PartitionData> keep = new ArrayList<>();
        keep.add(builder.build());
        System.gc();
        long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("ratio " + (double) (after - before) / keep.get(0).valueBytes());
    }
}
