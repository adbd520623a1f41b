package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table models in Pipelines and CrossValidator, saved and reloaded, exactly like vector models. */
class TabularPipelineTest {

    @Test
    void crossValidatedPipelineSavesAndReloads(@TempDir Path dir) throws Exception {
        Dataset<Row> data = TabularModelTest.table(600, 41).cache();
        VariationalAutoencoder vae = new VariationalAutoencoder().setInputCols(TabularModelTest.COLUMNS)
                .setEncoderLayers(new int[] {16}).setMaxEpochs(3).setBatchSize(64).setElboCol("elbo")
                .setImputedCols(new String[] {"s", "i", "g", "a", "v"}).setColumnScoresCol("scores").setSeed(2);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {vae});
        ParamMap[] grid = new ParamGridBuilder().addGrid(vae.latentDim(), new int[] {1, 3}).build();
        CrossValidatorModel cv = new CrossValidator().setEstimator(pipeline).setEvaluator(new VaeEvaluator())
                .setEstimatorParamMaps(grid).setNumFolds(2).setSeed(1).fit(data);
        assertEquals(2, cv.avgMetrics().length);
        assertTrue(Double.isFinite(cv.avgMetrics()[0]) && Double.isFinite(cv.avgMetrics()[1]));

        PipelineModel best = (PipelineModel) cv.bestModel();
        String path = dir.resolve("pipeline").toString();
        best.write().save(path);
        assertThrows(Exception.class, () -> best.write().save(path), "a second save needs overwrite()");
        PipelineModel loaded = PipelineModel.load(path);
        VariationalAutoencoderModel original = (VariationalAutoencoderModel) best.stages()[0];
        VariationalAutoencoderModel reloaded = (VariationalAutoencoderModel) loaded.stages()[0];
        assertEquals(original.uid(), reloaded.uid());
        assertEquals(List.of(TabularModelTest.COLUMNS), reloaded.tableColumns().featureNames());
        assertEquals(original.tableColumns(), reloaded.tableColumns());
        List<Row> a = best.transform(data).orderBy("id").collectAsList();
        List<Row> b = loaded.transform(data).orderBy("id").collectAsList();
        assertEquals(a, b, "same outputs after reload");
        VariationalAutoencoderModel copy = reloaded.copy(new ParamMap().put(reloaded.elboSamples(), 2));
        assertEquals(2, copy.getElboSamples());
        assertEquals(reloaded.tableColumns(), copy.tableColumns());
        data.unpersist();
    }
}
