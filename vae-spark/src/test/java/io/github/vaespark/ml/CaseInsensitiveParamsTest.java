package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every string param with a fixed set of values (likelihood, activation, handleInvalid, precision,
 * exchangeMode, metricName) behaves the same in any case, however it was set: setter, ParamMap,
 * copy or load.
 */
class CaseInsensitiveParamsTest {
    @TempDir
    Path tmp;

    private static VariationalAutoencoder small() {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {4}).setMaxEpochs(2)
                .setBatchSize(4).setSeed(1);
    }

    /** 20 rows in [0, 1] and one with a NaN. */
    private static Dataset<Row> withOneBadRow() {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(Vectors.dense(0.04 * i, 0.5, 1 - 0.04 * i, 0.3));
        }
        rows.add(Vectors.dense(0, Double.NaN, 0, 0));
        return BadInputTest.frame(new VectorUDT(), rows.toArray());
    }

    @Test
    void gettersReturnTheCanonicalSpelling() {
        VariationalAutoencoder vae = new VariationalAutoencoder().setHandleInvalid("SKIP").setActivation("Tanh")
                .setLikelihood("Bernoulli").setPrecision("FLOAT64").setExchangeMode("Jobs");
        assertEquals("skip", vae.getHandleInvalid());
        assertEquals("tanh", vae.getActivation());
        assertEquals("bernoulli", vae.getLikelihood());
        assertEquals("float64", vae.getPrecision());
        assertEquals("jobs", vae.getExchangeMode());
        assertEquals("elbo", new VaeEvaluator().setMetricName("ELBO").getMetricName());
        assertEquals("reconstructionError", new VaeEvaluator().setMetricName("RECONSTRUCTIONERROR").getMetricName());

        ParamMap extra = new ParamMap().put(vae.handleInvalid(), "Error").put(vae.likelihood(), "GAUSSIAN");
        VariationalAutoencoder copy = vae.copy(extra);
        assertEquals("error", copy.getHandleInvalid());
        assertEquals("gaussian", copy.getLikelihood());
    }

    @Test
    void handleInvalidSkipInUpperCaseSkipsTheBadRow() {
        Dataset<Row> data = withOneBadRow();
        VariationalAutoencoderModel model = small().setHandleInvalid("SKIP").fit(data);
        assertEquals(1, model.summary().skippedRows());
        assertEquals(20, model.transform(data).count(), "transform skips it too");

        VariationalAutoencoder vae = small();
        VariationalAutoencoderModel viaParamMap = vae.fit(data, new ParamMap().put(vae.handleInvalid(), "Skip"));
        assertEquals(1, viaParamMap.summary().skippedRows());
        assertEquals(20, viaParamMap.copy(new ParamMap().put(viaParamMap.handleInvalid(), "SKIP"))
                .transform(data).count());
        assertThrows(InvalidInputException.class, () -> small().setHandleInvalid("ERROR").fit(data));
    }

    @Test
    void upperCaseLikelihoodActivationPrecisionAndExchangeModeTrainTheSameModel() {
        Dataset<Row> data = withOneBadRow().limit(20);
        VariationalAutoencoderModel lower = small().setLikelihood("bernoulli").setActivation("tanh")
                .setPrecision("float64").setExchangeMode("jobs").fit(data);
        VariationalAutoencoderModel upper = small().setLikelihood("Bernoulli").setActivation("TANH")
                .setPrecision("FLOAT64").setExchangeMode("JOBS").fit(data);
        VariationalAutoencoder vae = small();
        VariationalAutoencoderModel viaParamMap = vae.fit(data, new ParamMap().put(vae.likelihood(), "BERNOULLI")
                .put(vae.activation(), "Tanh").put(vae.precision(), "Float64").put(vae.exchangeMode(), "Jobs"));
        assertEquals(Likelihood.BERNOULLI, upper.layout().likelihood());
        assertEquals(Activation.TANH, upper.layout().activation());
        assertEquals("jobs", upper.summary().history().get(0).exchangeMode());
        assertArrayEquals(lower.weights(), upper.weights(), 0.0);
        assertArrayEquals(lower.weights(), viaParamMap.weights(), 0.0);
        assertEquals("float64", viaParamMap.getPrecision());
    }

    @Test
    void evaluatorMetricNameInAnyCaseScoresAndRanksLikeLowerCase() throws Exception {
        Dataset<Row> data = withOneBadRow().limit(20);
        Dataset<Row> scored = small().setElboCol("elbo").fit(data).transform(data).cache();
        VaeEvaluator elbo = new VaeEvaluator();
        VaeEvaluator upperElbo = new VaeEvaluator().setMetricName("ELBO");
        assertTrue(upperElbo.isLargerBetter(), "the ELBO is larger-is-better in any case");
        assertEquals(elbo.evaluate(scored), upperElbo.evaluate(scored), 0.0);
        VaeEvaluator mse = new VaeEvaluator().setMetricName("reconstructionError");
        VaeEvaluator upperMse = new VaeEvaluator().setMetricName("ReconstructionERROR");
        assertFalse(upperMse.isLargerBetter());
        assertEquals(mse.evaluate(scored), upperMse.evaluate(scored), 0.0);
        assertEquals(elbo.evaluate(scored), mse.evaluate(scored, new ParamMap().put(mse.metricName(), "Elbo")), 0.0);
        assertTrue(mse.copy(new ParamMap().put(mse.metricName(), "ELBO")).isLargerBetter());

        String path = tmp.resolve("evaluator").toString();
        upperElbo.save(path);
        VaeEvaluator loaded = VaeEvaluator.load(path);
        assertTrue(loaded.isLargerBetter());
        assertEquals("elbo", loaded.getMetricName());
    }

    @Test
    void aLoadedEstimatorKeepsTheMeaningOfUpperCaseValues() throws Exception {
        SparkTestSession.get();
        String path = tmp.resolve("estimator").toString();
        small().setHandleInvalid("SKIP").setLikelihood("Bernoulli").save(path);
        VariationalAutoencoder loaded = VariationalAutoencoder.load(path);
        assertEquals("skip", loaded.getHandleInvalid());
        assertEquals(1, loaded.fit(withOneBadRow()).summary().skippedRows());
    }

    @Test
    void unknownActivationErrorListsTheNamesReadably() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Activation.fromParam("softmax"));
        assertTrue(e.getMessage().contains("relu, tanh, sigmoid"), e.getMessage());
    }
}
