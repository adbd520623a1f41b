package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vaespark.SparkTestSession;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/** A checkpoint's identity: fields added later read as the value older checkpoints trained with. */
class CheckpointIdentityTest {

    private static TrainingConfig config(VaeLayout layout, double maskRate) {
        return new TrainingConfig(layout, Precision.FLOAT32, 1, 0, 1, 16, 1e-3, 1, 0, 0, null, 1,
                TrainingConfig.DEFAULT_CHUNK_ROWS, ExchangeMode.JOBS, GradientRounding.NONE, maskRate);
    }

    @Test
    void aCheckpointWrittenBeforeMaskRateMatchesOnlyRateZero() {
        VaeLayout layout = new VaeLayout(3, new int[] {4}, 2, new int[] {4}, Activation.RELU, Likelihood.GAUSSIAN);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(new double[] {i, 2 * i, 3 * i});
        }
        TrainingData data = TrainingData.cache(SparkTestSession.jsc().parallelize(rows, 2), 3, Precision.FLOAT32,
                Integer.MAX_VALUE, ExchangeMode.JOBS, StorageLevel.MEMORY_ONLY(), "identity-test");
        try {
            CheckpointIdentity unmasked = CheckpointIdentity.of(config(layout, 0), data, null);
            ObjectNode older = unmasked.json().deepCopy();
            older.remove("maskRate");
            assertEquals("", unmasked.differencesFrom(older), "an older checkpoint resumes an unmasked fit");
            String masked = CheckpointIdentity.of(config(layout, 0.25), data, null).differencesFrom(older);
            assertTrue(masked.contains("the params differ (maskRate: 0.0 in the checkpoint, 0.25 now)"), masked);
            assertEquals("", CheckpointIdentity.of(config(layout, 0.25), data, null)
                    .differencesFrom(CheckpointIdentity.of(config(layout, 0.25), data, null).json()));
        } finally {
            data.unpersist();
        }
    }
}
