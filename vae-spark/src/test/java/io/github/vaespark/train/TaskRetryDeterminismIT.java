package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.ml.VariationalAutoencoder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With task retries enabled (failsafe runs Spark as local[2,4]), gradient tasks that fail on
 * their first attempt are retried and training ends with exactly the weights of an undisturbed
 * run: partial gradients are added in partition order, not in arrival order.
 */
class TaskRetryDeterminismIT {

    @AfterEach
    void removeHook() {
        TaskFaults.install(null);
    }

    @Test
    void failedFirstAttemptsDoNotChangeTheModel() {
        assertTrue(SparkTestSession.get().sparkContext().master().startsWith("local[2,"),
                "needs a master with task retries");
        Dataset<Row> data = data();
        double[] undisturbed = vae().fit(data).weights();

        AtomicInteger injected = new AtomicInteger();
        TaskFaults.install((epoch, step, partition, attempt) -> {
            boolean target = (epoch == 0 && step == 3 && partition == 1) || (epoch == 2 && step == 0 && partition == 0)
                    || (epoch == 3 && step % 5 == 2);
            if (target && attempt == 0) {
                injected.incrementAndGet();
                throw new IllegalStateException("injected fault: epoch " + epoch + " step " + step);
            }
        });
        double[] disturbed = vae().fit(data).weights();
        assertTrue(injected.get() >= 4, "faults were injected: " + injected.get());
        assertArrayEquals(undisturbed, disturbed);
        assertEquals(undisturbed.length, disturbed.length);
    }

    private static VariationalAutoencoder vae() {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {16}).setBatchSize(40)
                .setMaxEpochs(4).setSeed(8);
    }

    private static Dataset<Row> data() {
        SplittableRandom r = new SplittableRandom(2);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            double u = r.nextGaussian();
            rows.add(RowFactory.create(Vectors.dense(u, Math.sin(u), Math.cos(u), u * u, r.nextGaussian())));
        }
        return SparkTestSession.get().createDataFrame(rows, new StructType().add("features", new VectorUDT()))
                .repartition(2);
    }
}
