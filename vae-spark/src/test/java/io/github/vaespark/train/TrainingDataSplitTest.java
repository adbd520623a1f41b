package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.SparkTestSession;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An input with fewer partitions than training may use, or one partition holding most rows (a small
 * Parquet file is one row group), is spread evenly over more partitions, so that training runs on
 * more tasks: the rows, their order, their keys and the data checksum stay those of the input;
 * small inputs are left alone.
 */
class TrainingDataSplitTest {
    private static final int DIM = 3;

    @Test
    void rowsAreSpreadWhereSlotsWouldIdleAndEachPartitionKeepsEnoughRows() {
        assertEquals(2, TrainingData.rebalancedPartitions(new int[] {12_000}, 2));
        assertEquals(4, TrainingData.rebalancedPartitions(new int[] {100_000}, 4));
        assertEquals(5, TrainingData.rebalancedPartitions(new int[] {100_000, 100_000}, 5));
        assertEquals(0, TrainingData.rebalancedPartitions(new int[] {100_000, 100_000}, 2), "already even");
        assertEquals(0, TrainingData.rebalancedPartitions(new int[] {30_000, 30_000, 30_000}, 2), "coalesced input");
        assertEquals(0, TrainingData.rebalancedPartitions(new int[] {9_999}, 8), "pieces would be under 5,000 rows");
        assertEquals(3, TrainingData.rebalancedPartitions(new int[] {15_000}, 8));
        assertEquals(2, TrainingData.rebalancedPartitions(new int[] {40_000, 0}, 2),
                "one Parquet row group read as two partitions, one of them empty");
        assertEquals(8, TrainingData.rebalancedPartitions(new int[] {100_000, 10}, 8));
        assertEquals(0, TrainingData.rebalancedPartitions(new int[0], 8));
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FLOAT32", "FLOAT64", "BFLOAT16"})
    void aSinglePartitionIsSplitKeepingRowsOrderAndChecksum(Precision precision) {
        List<double[]> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 12_001; i++) {
            rows.add(new double[] {i, random.nextGaussian(), random.nextDouble()});
        }
        TrainingData whole = TrainingData.cache(SparkTestSession.jsc().parallelize(rows, 1), DIM, precision,
                1, ExchangeMode.BARRIER, StorageLevel.MEMORY_ONLY(), "split-test-whole");
        TrainingData split = TrainingData.cache(SparkTestSession.jsc().parallelize(rows, 1), DIM, precision,
                2, ExchangeMode.BARRIER, StorageLevel.MEMORY_ONLY(), "split-test");
        // All rows in the first of two partitions, as Spark reads a one-row-group Parquet file.
        TrainingData skewed = TrainingData.cache(SparkTestSession.jsc().parallelize(rows, 1)
                        .union(SparkTestSession.jsc().parallelize(new ArrayList<double[]>(), 1)), DIM, precision,
                2, ExchangeMode.BARRIER, StorageLevel.MEMORY_ONLY(), "split-test-skewed");
        try {
            assertEquals(1, whole.numPartitions());
            assertArrayEquals(new int[] {6_000, 6_001}, split.partitionRows());
            assertArrayEquals(new long[] {0, 6_000}, split.partitionOffsets(), "rows keep their keys");
            assertEquals(whole.contentChecksum(), split.contentChecksum());
            assertEquals(whole.rows(), split.rows());
            assertEquals(true, TrainingData.barrierCompatible(split.blocks().rdd()), "a barrier job may read it");
            assertArrayEquals(split.partitionRows(), skewed.partitionRows());
            assertEquals(whole.contentChecksum(), skewed.contentChecksum());
            List<PartitionData> skewedParts = skewed.blocks().collect();
            List<PartitionData> parts = split.blocks().collect();
            int key = 0;
            List<PartitionData> wholeParts = whole.blocks().collect();
            @SuppressWarnings("unchecked")
            Kernels<Object> kernels = (Kernels<Object>) precision.kernels();
            DenseMatrix<?> column = kernels.matrix(kernels.allocate(DIM), 0, DIM, 1);
            DenseMatrix<?> expected = kernels.matrix(kernels.allocate(DIM), 0, DIM, 1);
            double[] got = new double[DIM];
            double[] want = new double[DIM];
            for (PartitionData part : parts) {
                for (int r = 0; r < part.rows(); r++, key++) {
                    part.copyRow(kernels, r, column, 0);
                    wholeParts.get(0).copyRow(kernels, key, expected, 0);
                    kernels.getColumn(column, 0, got);
                    kernels.getColumn(expected, 0, want);
                    assertArrayEquals(want, got, "row " + key);
                    skewedParts.get(parts.indexOf(part)).copyRow(kernels, r, column, 0);
                    kernels.getColumn(column, 0, got);
                    assertArrayEquals(want, got, "skewed input, row " + key);
                }
            }
            assertEquals(rows.size(), key);
        } finally {
            whole.unpersist();
            split.unpersist();
            skewed.unpersist();
        }
    }

    /** A fit on such an input trains through the barrier exchange on the even partitions, and repeats bit for bit. */
    @Test
    void aFitOnOnePartitionHoldingEveryRowIsRebalancedAndDeterministic() {
        org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> one = spark.sql(
                "select array(cast(id % 10 as double) / 10, cast(id % 7 as double) / 7, cast(id % 3 as double) / 3, "
                        + "cast(id % 2 as double)) as features from range(12000)").coalesce(1);
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> skewed = one.union(one.limit(0));
        io.github.vaespark.ml.VariationalAutoencoder estimator = new io.github.vaespark.ml.VariationalAutoencoder()
                .setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(2).setBatchSize(256)
                .setLikelihood("bernoulli").setExchangeMode("barrier").setMaxPartitions(2).setSeed(5);
        double[] first = estimator.fit(skewed).weights();
        double[] again = estimator.fit(skewed).weights();
        assertArrayEquals(first, again);
        assertEquals(12_000, estimator.fit(one).summary().trainingRows());
    }
}
