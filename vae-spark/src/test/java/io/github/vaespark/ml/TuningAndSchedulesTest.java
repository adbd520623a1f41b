package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KL warm-up, validation-based early stopping, and hyper-parameter search with VaeEvaluator. */
class TuningAndSchedulesTest {
    @TempDir
    Path tmp;

    @Test
    void klWarmupRampsBetaFromZero() {
        Dataset<Row> data = SyntheticData.manifold(400, 0.1, 3, 2);
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8})
                .setBatchSize(100).setMaxEpochs(5).setBeta(0.5).setKlWarmupEpochs(4).fit(data);
        double[] betas = model.summary().history().stream().mapToDouble(EpochSummary::beta).toArray();
        // 4 steps per epoch; beta at the last step of epoch e is 0.5 * (4e - 1) / 16, then capped at 0.5.
        assertEquals(0.5 * 3 / 16, betas[0], 1e-12);
        assertEquals(0.5 * 7 / 16, betas[1], 1e-12);
        assertEquals(0.5, betas[4], 1e-12);
    }

    @Test
    void earlyStoppingKeepsTheBestValidationEpoch() {
        // A tiny training set and a validation set from a different distribution: the validation
        // ELBO gets worse as the model overfits, and training stops.
        Dataset<Row> train = SyntheticData.manifold(40, 0.01, 1, 1).withColumn("isVal", functions.lit(false));
        Dataset<Row> val = SyntheticData.manifold(200, 0.5, 2, 1).withColumn("isVal", functions.lit(true));
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLatentDim(2)
                .setEncoderLayers(new int[] {64, 64}).setBatchSize(8).setStepSize(1e-2).setMaxEpochs(200)
                .setValidationIndicatorCol("isVal").setPatience(3).setSeed(4).fit(train.union(val));
        VariationalAutoencoderSummary s = model.summary();
        assertEquals(40, s.trainingRows());
        assertEquals(200, s.validationRows());
        assertTrue(s.stoppedEarly(), "should stop before 200 epochs");
        double[] validation = s.validationNegativeElboHistory();
        int best = 0;
        for (int e = 1; e < validation.length; e++) {
            if (validation[e] < validation[best]) {
                best = e;
            }
        }
        assertEquals(best + 1, s.bestEpoch());
        assertEquals(s.bestEpoch() + 3, s.epochs(), "stops after 'patience' epochs without improvement");
    }

    @Test
    void trainValidationSplitAndCrossValidatorTuneAPipeline() throws Exception {
        Dataset<Row> data = SyntheticData.manifold(600, 0.05, 8, 2).cache();
        VariationalAutoencoder vae = new VariationalAutoencoder().setFeaturesCol("scaled").setEncoderLayers(new int[] {16})
                .setMaxEpochs(3).setBatchSize(64).setElboCol("elbo").setSeed(2);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new StandardScaler().setInputCol("features").setOutputCol("scaled"), vae});
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(vae.latentDim(), new int[] {1, 2})
                .addGrid(vae.beta(), new double[] {0.5, 1.0})
                .build();
        VaeEvaluator elbo = new VaeEvaluator();
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline).setEvaluator(elbo)
                .setEstimatorParamMaps(grid).setTrainRatio(0.75).setSeed(1).fit(data);
        assertEquals(4, tvs.validationMetrics().length);
        assertTrue(elbo.isLargerBetter());
        assertTrue(tvs.transform(data).columns().length > data.columns().length);

        VaeEvaluator mse = new VaeEvaluator().setMetricName("reconstructionError").setFeaturesCol("scaled");
        assertFalse(mse.isLargerBetter());
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEvaluator(mse)
                .setEstimatorParamMaps(new ParamGridBuilder().addGrid(vae.latentDim(), new int[] {1, 3}).build())
                .setNumFolds(2).setSeed(1).fit(data);
        double[] avg = cv.avgMetrics();
        assertEquals(2, avg.length);
        assertTrue(avg[1] < avg[0], "a 3-D latent space reconstructs better than 1-D: " + avg[0] + " vs " + avg[1]);

        String path = tmp.resolve("eval").toString();
        mse.save(path);
        VaeEvaluator loaded = VaeEvaluator.load(path);
        assertEquals("reconstructionError", loaded.getMetricName());
        assertEquals("scaled", loaded.getFeaturesCol());
        assertEquals(mse.uid(), loaded.uid());
        List<Row> rows = cv.transform(data).select("scaled", "reconstruction").limit(1).collectAsList();
        assertEquals(1, rows.size());
    }
}
