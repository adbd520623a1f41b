package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.LogVarianceBounds;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.VaeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The decoder's per-feature log-variance is floored and the encoder's log-variance clamped
 * (see {@link LogVarianceBounds}): a constant column cannot drive the ELBO to infinity, and an
 * extreme encoder output still gives finite scores.
 */
class LogVarianceBoundsTest {

    /** Two correlated standard-normal columns and a constant third column. */
    private static Dataset<Row> withConstantColumn(int rows) {
        SplittableRandom random = new SplittableRandom(3);
        List<Row> list = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double a = random.nextGaussian();
            list.add(RowFactory.create(Vectors.dense(a, 0.6 * a + 0.8 * random.nextGaussian(), 1.0)));
        }
        return SparkTestSession.get().createDataFrame(list, new StructType().add("features", new VectorUDT()))
                .repartition(2);
    }

    @Test
    void aConstantColumnsLogVarianceStopsAtTheFloor() {
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLikelihood("gaussian").setLatentDim(2)
                .setEncoderLayers(new int[] {8}).setBatchSize(20).setStepSize(0.1).setMaxEpochs(150).setSeed(5)
                .fit(withConstantColumn(200));
        double constantColumn = model.weights()[model.layout().logVarianceOffset() + 2];
        // Without the floor it drifts to about -12 in these 1,500 steps (and on towards -∞); with it, Adam's
        // momentum carries it a little below the floor, where it gets no gradient and stops.
        assertTrue(constantColumn > LogVarianceBounds.DECODER_MIN - 1,
                "the log-variance of the constant column drifted to " + constantColumn);
        assertEquals(LogVarianceBounds.DECODER_MIN, LogVarianceBounds.decoder(constantColumn), 0.0,
                "it reaches the floor: " + constantColumn);
        double[] history = model.summary().negativeElboHistory();
        assertTrue(Double.isFinite(history[history.length - 1]), "negative ELBO " + history[history.length - 1]);
    }

    @Test
    void extremeEncoderLogVarianceGivesFiniteScoresAndLikelihoods() {
        Dataset<Row> data = withConstantColumn(40);
        VaeLayout layout = new VaeLayout(3, new int[] {4}, 2, new int[] {4}, Activation.TANH, Likelihood.GAUSSIAN);
        for (double logVar : new double[] {1e4, -1e30}) {
            double[] weights = ParameterInit.initialize(layout, 1);
            for (int i = 0; i < layout.latentDim(); i++) {
                weights[layout.head().biasOffset() + layout.latentDim() + i] = logVar;
            }
            VariationalAutoencoderModel model = new VariationalAutoencoderModel("extreme", layout, weights)
                    .setElboCol("elbo");
            double logLikelihood = model.logLikelihood(data, 4);
            assertTrue(Double.isFinite(logLikelihood), "IWAE estimate " + logLikelihood + " for log σ² = " + logVar);
            for (Row row : model.transform(data).select("elbo", "latentMean").collectAsList()) {
                assertTrue(Double.isFinite(row.getDouble(0)), "ELBO " + row.getDouble(0) + " for log σ² = " + logVar);
                for (double v : ((Vector) row.get(1)).toArray()) {
                    assertTrue(Double.isFinite(v));
                }
            }
        }
    }
}
