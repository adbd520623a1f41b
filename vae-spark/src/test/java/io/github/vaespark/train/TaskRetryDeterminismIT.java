package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With task retries enabled (failsafe runs Spark as local[2,4]), gradient tasks that fail are
 * retried and training ends with exactly the weights of an undisturbed run: in the jobs exchange
 * each failed task is retried and partial gradients are added in partition order, not in arrival
 * order; in the barrier exchange Spark restarts all the job's tasks and the driver repeats the
 * epoch from its start.
 */
class TaskRetryDeterminismIT {

    @AfterEach
    void removeHook() {
        TaskFaults.install(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jobs", "barrier", "peer"})
    void failedTasksDoNotChangeTheModel(String exchangeMode) {
        assertTrue(SparkTestSession.get().sparkContext().master().startsWith("local[2,"),
                "needs a master with task retries");
        Dataset<Row> data = data();
        double[] undisturbed = vae(exchangeMode).fit(data).weights();

        // Each (epoch, step, partition) below fails once, on whichever attempt first reaches it; at most
        // two per epoch, fewer than a barrier stage's spark.stage.maxConsecutiveAttempts (4).
        Set<String> targets = Set.of("0/3/1", "2/0/0", "3/2/0", "3/7/1");
        Set<String> failed = ConcurrentHashMap.newKeySet();
        TaskFaults.install((epoch, step, partition, attempt) -> {
            String key = epoch + "/" + step + "/" + partition;
            if (targets.contains(key) && failed.add(key)) {
                throw new IllegalStateException("injected fault: epoch " + epoch + " step " + step);
            }
        });
        VariationalAutoencoderModel disturbed = vae(exchangeMode).fit(data);
        assertEquals(targets, failed, "every fault was injected");
        assertEquals(exchangeMode, disturbed.summary().history().get(0).exchangeMode());
        assertArrayEquals(undisturbed, disturbed.weights());
    }

    private static VariationalAutoencoder vae(String exchangeMode) {
        return BarrierTestFits.vae(exchangeMode);
    }

    private static Dataset<Row> data() {
        return BarrierTestFits.data();
    }
}
