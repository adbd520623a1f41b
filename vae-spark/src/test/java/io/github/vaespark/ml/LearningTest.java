package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** On data from a known 2-D manifold, training improves the ELBO a lot and μ(x) recovers the factors. */
class LearningTest {

    @Test
    void recoversTheLatentFactorsOfASyntheticManifold() {
        Dataset<Row> data = SyntheticData.manifold(3000, 0.05, 7, 3).cache();
        VariationalAutoencoderModel model = new VariationalAutoencoder()
                .setLatentDim(2)
                .setEncoderLayers(new int[] {64, 32})
                .setLikelihood("gaussian")
                .setActivation("tanh")
                .setBatchSize(64)
                .setStepSize(3e-3)
                .setMaxEpochs(40)
                .setSeed(3)
                .fit(data);

        List<EpochSummary> history = model.summary().history();
        assertEquals(40, history.size());
        double first = history.get(0).negativeElbo();
        double last = history.get(history.size() - 1).negativeElbo();
        System.out.printf("negative ELBO per row: first epoch %.3f, last epoch %.3f%n", first, last);
        assertTrue(last < first - 10, "ELBO should improve substantially: " + first + " -> " + last);

        List<Row> out = model.transform(data).select("z0", "z1", "latentMean").collectAsList();
        double[][] truth = new double[out.size()][2];
        double[][] mu = new double[out.size()][2];
        for (int i = 0; i < out.size(); i++) {
            truth[i][0] = out.get(i).getDouble(0);
            truth[i][1] = out.get(i).getDouble(1);
            Vector m = out.get(i).getAs(2);
            mu[i][0] = m.apply(0);
            mu[i][1] = m.apply(1);
        }
        double r0 = Stats.multipleCorrelation(mu, column(truth, 0));
        double r1 = Stats.multipleCorrelation(mu, column(truth, 1));
        System.out.printf("multiple correlation of the true factors with mu: %.3f, %.3f%n", r0, r1);
        assertTrue(r0 > 0.9 && r1 > 0.9, "latent means should recover both factors: " + r0 + ", " + r1);
    }

    private static double[] column(double[][] m, int c) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][c];
        }
        return out;
    }
}
