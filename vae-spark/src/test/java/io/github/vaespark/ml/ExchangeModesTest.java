package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.train.barrier.TestTlsKeys;
import java.util.Arrays;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The barrier exchange (one long-lived job, gradients and weights exchanged with the driver
 * segment by segment, in-process or over TCP) trains exactly the model the one-job-per-step
 * exchange trains, and the mode is chosen and refused as documented.
 */
class ExchangeModesTest {
    private static final String TRANSPORT = "spark.vaespark.exchange.transport";
    private static Dataset<Row> uneven;

    /** Two partitions of 200 and 5 rows: the small one has no rows in most steps. */
    @BeforeAll
    static void data() {
        Dataset<Row> big = SyntheticData.manifold(200, 0.1, 3, 1);
        Dataset<Row> small = SyntheticData.manifold(5, 0.1, 4, 1);
        uneven = SparkTestSession.get().createDataFrame(big.javaRDD().union(small.javaRDD()), big.schema()).cache();
        assertEquals(2, uneven.rdd().getNumPartitions());
        uneven.count();
    }

    private static VariationalAutoencoder vae(String mode) {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {16, 8}).setBatchSize(16)
                .setMaxEpochs(3).setSeed(5).setExchangeMode(mode);
    }

    private static String modeOf(VariationalAutoencoderModel model) {
        return model.summary().history().get(0).exchangeMode();
    }

    @ParameterizedTest(name = "{0}, maxGradNorm {1}")
    @CsvSource({"float32, 0", "float64, 0", "float32, 0.5"})
    void barrierTrainsBitForBitWhatJobsTrain(String precision, double maxGradNorm) {
        VariationalAutoencoderModel jobs = vae("jobs").setPrecision(precision).setMaxGradNorm(maxGradNorm).fit(uneven);
        VariationalAutoencoderModel barrier = vae("barrier").setPrecision(precision).setMaxGradNorm(maxGradNorm)
                .fit(uneven);
        assertEquals("jobs", modeOf(jobs));
        assertEquals("barrier", modeOf(barrier));
        assertArrayEquals(jobs.weights(), barrier.weights());
        assertArrayEquals(jobs.summary().negativeElboHistory(), barrier.summary().negativeElboHistory());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"float32", "float64"})
    void peerTrainsBitForBitWhatJobsTrain(String precision) {
        VariationalAutoencoderModel jobs = vae("jobs").setPrecision(precision).fit(uneven);
        VariationalAutoencoderModel peer = vae("peer").setPrecision(precision).fit(uneven);
        assertEquals("peer", modeOf(peer));
        assertArrayEquals(jobs.weights(), peer.weights());
        assertArrayEquals(jobs.summary().negativeElboHistory(), peer.summary().negativeElboHistory());
        assertEquals(jobs.summary().totalSteps(), peer.summary().totalSteps());
    }

    /**
     * exchangePrecision=bfloat16 rounds every partition's gradient values where all exchanges sum
     * them (the peer exchange also sends them as bfloat16): the three still agree bit for bit, the
     * model differs from float32's, and the loss stays close to it.
     */
    @Test
    void bfloat16GradientsAreTheSameInEveryExchangeAndCloseToFloat32() {
        VariationalAutoencoderModel exact = vae("jobs").fit(uneven);
        VariationalAutoencoderModel jobs = vae("jobs").setExchangePrecision("bfloat16").fit(uneven);
        VariationalAutoencoderModel barrier = vae("barrier").setExchangePrecision("BFloat16").fit(uneven);
        VariationalAutoencoderModel peer = vae("peer").setExchangePrecision("bfloat16").fit(uneven);
        assertEquals("barrier", modeOf(barrier));
        assertEquals("peer", modeOf(peer));
        assertArrayEquals(jobs.weights(), barrier.weights());
        assertArrayEquals(jobs.weights(), peer.weights());
        assertArrayEquals(jobs.summary().negativeElboHistory(), peer.summary().negativeElboHistory());
        assertFalse(Arrays.equals(exact.weights(), jobs.weights()), "rounding changes the model");
        double[] e = exact.summary().negativeElboHistory();
        double[] b = jobs.summary().negativeElboHistory();
        assertEquals(e[e.length - 1], b[b.length - 1], 0.02 * Math.abs(e[e.length - 1]),
                "final -ELBO with bfloat16 gradients close to float32's");
    }

    @Test
    void peerIsRefusedWithGradientClippingAndWithoutEncryption() {
        InvalidOrIllegal.assertRejected(() -> vae("peer").setMaxGradNorm(1).setMaxEpochs(1).fit(uneven),
                "exchangeMode=peer", "maxGradNorm");
        SparkContext sc = SparkTestSession.get().sparkContext();
        sc.setLocalProperty("spark.network.crypto.enabled", "true");
        try {
            InvalidOrIllegal.assertRejected(() -> vae("peer").setMaxEpochs(1).fit(uneven),
                    "exchangeMode=peer", "spark.network.crypto.enabled");
        } finally {
            sc.setLocalProperty("spark.network.crypto.enabled", null);
        }
    }

    @Test
    void coalescedInputTrainsTheSameModelInBothModes() {
        // Four input partitions coalesced to two: a lineage Spark refuses in barrier stages until the
        // blocks cross their identity shuffle.
        Dataset<Row> four = SyntheticData.manifold(150, 0.1, 7, 4);
        VariationalAutoencoderModel barrier = vae("barrier").setMaxPartitions(2).fit(four);
        assertEquals("barrier", modeOf(barrier));
        assertArrayEquals(vae("jobs").setMaxPartitions(2).fit(four).weights(), barrier.weights());
    }

    @Test
    void theTcpTransportTrainsTheSameModel() {
        SparkContext sc = SparkTestSession.get().sparkContext();
        double[] inProcess = vae("barrier").fit(uneven).weights();
        sc.setLocalProperty(TRANSPORT, "tcp");
        try {
            assertArrayEquals(inProcess, vae("barrier").fit(uneven).weights());
        } finally {
            sc.setLocalProperty(TRANSPORT, null);
        }
    }

    @Test
    void theTlsTransportTrainsTheSameModel() throws Exception {
        SparkContext sc = SparkTestSession.get().sparkContext();
        double[] inProcess = vae("barrier").fit(uneven).weights();
        TestTlsKeys keys = TestTlsKeys.create(TestTlsKeys.tempDir(), "driver");
        sc.setLocalProperty(TRANSPORT, "tcp");
        sc.setLocalProperty("spark.vaespark.exchange.tls", "true");
        keys.sparkSettings().forEach(sc::setLocalProperty);
        try {
            VariationalAutoencoderModel overTls = vae("barrier").fit(uneven);
            assertEquals("barrier", modeOf(overTls));
            assertArrayEquals(inProcess, overTls.weights());
        } finally {
            sc.setLocalProperty(TRANSPORT, null);
            sc.setLocalProperty("spark.vaespark.exchange.tls", null);
            keys.sparkSettings().keySet().forEach(k -> sc.setLocalProperty(k, null));
        }
    }

    @Test
    void withNetworkCryptoAndNoTlsAutoUsesJobsAndBarrierRefuses() {
        SparkContext sc = SparkTestSession.get().sparkContext();
        sc.setLocalProperty(TRANSPORT, "tcp");
        sc.setLocalProperty("spark.network.crypto.enabled", "true");
        try {
            assertEquals("jobs", modeOf(vae("auto").setMaxEpochs(1).fit(uneven)));
            InvalidOrIllegal.assertRejected(() -> vae("barrier").setMaxEpochs(1).fit(uneven),
                    "exchangeMode=barrier", "spark.network.crypto.enabled", "spark.vaespark.exchange.tls");
        } finally {
            sc.setLocalProperty(TRANSPORT, null);
            sc.setLocalProperty("spark.network.crypto.enabled", null);
        }
    }

    @Test
    void autoUsesTheBarrierExchangeWhenEveryPartitionGetsASlot() {
        assertEquals("barrier", modeOf(vae("auto").setMaxEpochs(1).fit(uneven)));
    }

    @Test
    void autoFallsBackToJobsWithMorePartitionsThanTaskSlots() {
        Dataset<Row> four = SyntheticData.manifold(120, 0.1, 3, 4);
        assertEquals("jobs", modeOf(vae("auto").setMaxEpochs(1).setMaxPartitions(4).fit(four)));
    }

    @Test
    void barrierIsRefusedWithMorePartitionsThanTaskSlots() {
        Dataset<Row> four = SyntheticData.manifold(120, 0.1, 3, 4);
        InvalidOrIllegal.assertRejected(() -> vae("barrier").setMaxPartitions(4).fit(four),
                "exchangeMode=barrier", "4 training partitions", "maxPartitions");
    }
}
