package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vaespark.SparkTestSession;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maskRate} (cells hidden from the encoder in training) changes what a table fit learns,
 * gives the same weights in every exchange mode and across a resume, is part of a checkpoint's
 * identity, and is refused for vector models.
 */
class CellMaskingFitTest {
    private static Dataset<Row> table;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        table = MixedTables.generate(SparkTestSession.get(), 1200, 3, 2).cache();
        table.count();
    }

    @AfterAll
    static void release() {
        table.unpersist();
    }

    private static VariationalAutoencoder vae(double maskRate) {
        return new VariationalAutoencoder().setInputCols(table.columns()).setLatentDim(4)
                .setEncoderLayers(new int[] {32}).setBatchSize(128).setMaxEpochs(3).setSeed(9).setMaskRate(maskRate);
    }

    /** Fails the fit after an epoch, as a killed driver would. */
    private record CrashAfter(int epoch) implements TrainingListener {
        @Override
        public void onEpochEnd(EpochSummary summary, int maxEpochs) {
            if (summary.epoch() == epoch) {
                throw new IllegalStateException("simulated crash after epoch " + epoch);
            }
        }
    }

    @Test
    void maskedTrainingIsDeterministicAcrossExchangesAndDiffersFromUnmasked() {
        double[] barrier = vae(0.3).setExchangeMode("barrier").fit(table).weights();
        double[] jobs = vae(0.3).setExchangeMode("jobs").fit(table).weights();
        assertArrayEquals(barrier, jobs, "the same cells are hidden whichever exchange runs the steps");
        assertArrayEquals(barrier, vae(0.3).setExchangeMode("peer").fit(table).weights(), "peer exchange");
        double[] unmasked = vae(0).setExchangeMode("barrier").fit(table).weights();
        assertFalse(Arrays.equals(barrier, unmasked), "maskRate changes what is learned");
    }

    @Test
    void aResumeKeepsTheMasksAndTheRateIsPartOfTheCheckpointIdentity() {
        double[] uninterrupted = vae(0.3).fit(table).weights();
        String dir = tmp.resolve("masked").toString();
        assertThrows(IllegalStateException.class,
                () -> vae(0.3).setCheckpointDir(dir).addTrainingListener(new CrashAfter(1)).fit(table));
        InvalidOrIllegal.assertRejected(() -> vae(0).setCheckpointDir(dir).fit(table),
                "the params differ (maskRate: 0.3 in the checkpoint, 0.0 now)");
        VariationalAutoencoderModel resumed = vae(0.3).setCheckpointDir(dir).fit(table);
        assertEquals(1, resumed.summary().resumedFromEpoch());
        assertArrayEquals(uninterrupted, resumed.weights());
    }

    @Test
    void vectorModelsRefuseAMaskRate() {
        Dataset<Row> vectors = SyntheticData.manifold(50, 0.1, 1, 3);
        InvalidOrIllegal.assertRejected(() -> new VariationalAutoencoder().setMaskRate(0.2).fit(vectors),
                "maskRate = 0.2 needs inputCols");
    }
}
