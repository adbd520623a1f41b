package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.ml.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reproducible training, resumable checkpoints, and gradient clipping. */
class DeterminismAndCheckpointTest {
    private static Dataset<Row> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        data = SyntheticData.manifold(700, 0.1, 11, 3).cache();
        data.count();
    }

    private static VariationalAutoencoder vae() {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {16, 8}).setBatchSize(32)
                .setMaxEpochs(6).setSeed(21);
    }

    @Test
    void sameDataParamsAndSeedGiveBitIdenticalWeights() {
        double[] a = vae().fit(data).weights();
        double[] b = vae().fit(data).weights();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, vae().setSeed(22).fit(data).weights()), "another seed, another model");
    }

    /** Simulates a crash: the fit dies after a given epoch, as a killed driver would. */
    private static final class CrashAfter implements TrainingListener {
        private final int epoch;

        CrashAfter(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public void onEpochEnd(io.github.vaespark.ml.EpochSummary summary, int maxEpochs) {
            if (summary.epoch() == epoch) {
                throw new IllegalStateException("simulated crash after epoch " + epoch);
            }
        }
    }

    @Test
    void resumingFromACheckpointEndsWithTheUninterruptedModel() throws Exception {
        VariationalAutoencoderModel uninterrupted = vae().fit(data);
        String dir = tmp.resolve("ckpt").toString();

        IllegalStateException crash = assertThrows(IllegalStateException.class,
                () -> vae().setCheckpointDir(dir).addTrainingListener(new CrashAfter(4)).fit(data));
        assertTrue(crash.getMessage().contains("simulated crash"), crash.getMessage());
        try (Stream<Path> files = Files.list(tmp.resolve("ckpt"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("epoch-000004")));
        }

        VariationalAutoencoderModel resumed = vae().setCheckpointDir(dir).fit(data);
        assertEquals(4, resumed.summary().resumedFromEpoch());
        assertEquals(6, resumed.summary().epochs(), "the history includes the restored epochs");
        assertArrayEquals(uninterrupted.weights(), resumed.weights());
        assertArrayEquals(uninterrupted.summary().negativeElboHistory(), resumed.summary().negativeElboHistory());

        InvalidOrIllegal.assertRejected(() -> vae().setLatentDim(3).setCheckpointDir(dir).fit(data),
                "different training");
    }

    @Test
    void thePeerExchangeCheckpointsItsGatheredShardsAndResumesToTheSameModel() {
        VariationalAutoencoderModel uninterrupted = vae().fit(data);
        String dir = tmp.resolve("ckpt-peer").toString();
        assertThrows(IllegalStateException.class,
                () -> vae().setExchangeMode("peer").setCheckpointDir(dir).addTrainingListener(new CrashAfter(3))
                        .fit(data));
        VariationalAutoencoderModel resumed = vae().setExchangeMode("peer").setCheckpointDir(dir).fit(data);
        assertEquals(3, resumed.summary().resumedFromEpoch());
        assertEquals("peer", resumed.summary().history().get(5).exchangeMode());
        assertArrayEquals(uninterrupted.weights(), resumed.weights(),
                "Adam's moments were gathered from the shards into the checkpoint");
    }

    @Test
    void checkpointIntervalSavesEveryFewEpochsAndTheLast() throws Exception {
        String dir = tmp.resolve("every2").toString();
        vae().setMaxEpochs(5).setCheckpointDir(dir).setCheckpointInterval(2).fit(data);
        try (Stream<Path> files = Files.list(tmp.resolve("every2"))) {
            assertEquals(java.util.List.of("epoch-000004", "epoch-000005"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "the two newest are kept");
        }
    }

    @Test
    void maxGradNormClipsTheGlobalGradient() {
        // Adam is invariant to the gradient's scale, except through its epsilon: a gradient clipped to
        // 1e-12 makes every step tiny, so the weights stay at their initial values.
        VariationalAutoencoderModel clipped = vae().setMaxEpochs(2).setMaxGradNorm(1e-12).fit(data);
        double[] init = ParameterInit.initialize(clipped.layout(), 21);
        double maxMove = 0;
        double maxMoveUnclipped = 0;
        double[] unclipped = vae().setMaxEpochs(2).fit(data).weights();
        for (int i = 0; i < init.length; i++) {
            maxMove = Math.max(maxMove, Math.abs(clipped.weights()[i] - init[i]));
            maxMoveUnclipped = Math.max(maxMoveUnclipped, Math.abs(unclipped[i] - init[i]));
        }
        assertTrue(maxMove < 1e-5, "clipped weights barely move: " + maxMove);
        assertTrue(maxMoveUnclipped > 1e-2, "unclipped weights move: " + maxMoveUnclipped);
    }
}
