package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VectorAssembler → StandardScaler → VariationalAutoencoder pipeline fits, saves, loads and transforms identically. */
class PipelinePersistenceTest {
    @TempDir
    Path tmp;

    static Dataset<Row> numericColumns(int rows) {
        Dataset<Row> data = SyntheticData.manifold(rows, 0.05, 21, 2)
                .withColumn("arr", functions.vector_to_array(org.apache.spark.sql.functions.col("features"), "float64"));
        List<Column> cols = new ArrayList<>(List.of(org.apache.spark.sql.functions.col("id")));
        for (int i = 0; i < SyntheticData.DIM; i++) {
            cols.add(org.apache.spark.sql.functions.col("arr").getItem(i).as("c" + i));
        }
        return data.select(cols.toArray(new Column[0]));
    }

    static String[] columnNames() {
        String[] names = new String[SyntheticData.DIM];
        for (int i = 0; i < names.length; i++) {
            names[i] = "c" + i;
        }
        return names;
    }

    @Test
    void pipelineFitsSavesLoadsAndTransformsIdentically() throws IOException {
        Dataset<Row> data = numericColumns(600).cache();
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(columnNames()).setOutputCol("raw"),
            new StandardScaler().setInputCol("raw").setOutputCol("features").setWithMean(true),
            new VariationalAutoencoder().setLatentDim(3).setEncoderLayers(new int[] {16}).setMaxEpochs(3)
                    .setBatchSize(50).setSeed(5).setElboCol("elbo").setLatentColsPrefix("z_")
        });
        PipelineModel fitted = pipeline.fit(data);
        List<Row> before = fitted.transform(data).orderBy("id").select("latentMean", "reconstruction", "elbo", "z_0")
                .collectAsList();

        String pipelinePath = tmp.resolve("pipeline").toString();
        String modelPath = tmp.resolve("pipeline-model").toString();
        pipeline.write().save(pipelinePath);
        fitted.write().save(modelPath);
        assertThrows(IOException.class, () -> fitted.write().save(modelPath), "a second save needs overwrite()");
        fitted.write().overwrite().save(modelPath);

        PipelineModel loaded = PipelineModel.load(modelPath);
        List<Row> after = loaded.transform(data).orderBy("id").select("latentMean", "reconstruction", "elbo", "z_0")
                .collectAsList();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(((Vector) before.get(i).get(0)).toArray(), ((Vector) after.get(i).get(0)).toArray());
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray());
            assertEquals(before.get(i).getDouble(2), after.get(i).getDouble(2));
            assertEquals(before.get(i).getDouble(3), after.get(i).getDouble(3));
        }

        Pipeline reloadedPipeline = Pipeline.load(pipelinePath);
        VariationalAutoencoder vae = (VariationalAutoencoder) reloadedPipeline.getStages()[2];
        VariationalAutoencoder original = (VariationalAutoencoder) pipeline.getStages()[2];
        assertSameParams(original, vae);

        Path weights = tmp.resolve("pipeline-model/stages/2_" + original.uid() + "/data");
        assertTrue(Files.isDirectory(weights), "weights are stored as Parquet in " + weights);
        Dataset<Row> tensors = SparkTestSession.get().read().parquet(weights.toString());
        assertEquals(List.of("name", "rows", "cols", "values"), List.of(tensors.columns()));
    }

    @Test
    void modelSavesAndLoadsWithUidParamsAndWeights() throws IOException {
        Dataset<Row> data = SyntheticData.manifold(300, 0.1, 5, 2);
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8})
                .setDecoderLayers(new int[] {6, 5}).setMaxEpochs(1).setPrecision("float64").fit(data)
                .setReconstructionCol("recon");
        String path = tmp.resolve("model").toString();
        model.write().save(path);
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(path);
        assertSameParams(model, loaded);
        assertArrayEquals(model.weights(), loaded.weights());
        assertEquals(model.layout(), loaded.layout());
        assertThrows(IOException.class, () -> model.write().save(path));

        VariationalAutoencoder estimator = new VariationalAutoencoder().setBeta(0.5).setCheckpointDir("/x");
        String estimatorPath = tmp.resolve("estimator").toString();
        estimator.save(estimatorPath);
        assertSameParams(estimator, VariationalAutoencoder.load(estimatorPath));
    }

    static void assertSameParams(VaeParams expected, VaeParams actual) {
        assertEquals(expected.uid(), actual.uid());
        for (Param<?> p : expected.params()) {
            Param<?> q = actual.getParam(p.name());
            assertEquals(expected.isSet(p), actual.isSet(q), "isSet " + p.name());
            assertEquals(expected.isDefined(p), actual.isDefined(q), "isDefined " + p.name());
            if (expected.isDefined(p)) {
                Object a = expected.getOrDefault(p);
                Object b = actual.getOrDefault(q);
                if (a instanceof int[] ia) {
                    assertArrayEquals(ia, (int[]) b, p.name());
                } else if (a instanceof Object[] oa) {
                    assertArrayEquals(oa, (Object[]) b, p.name());
                } else {
                    assertEquals(a, b, p.name());
                }
            }
        }
    }
}
