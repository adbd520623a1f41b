package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** VaeSampler (generation as a stage) and the model's estimatedSize (Spark Connect's model cache). */
class VaeSamplerTest {
    private static File dir;
    private static VariationalAutoencoderModel model;

    @BeforeAll
    static void train() throws Exception {
        dir = Files.createTempDirectory("vae-sampler").toFile();
        model = new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(1)
                .setSeed(1).fit(SyntheticData.manifold(200, 0.05, 1, 2));
        model.write().save(path("vector"));
    }

    @AfterAll
    static void cleanUp() {
        Utils.deleteRecursively(dir);
    }

    private static String path(String name) {
        return new File(dir, name).getAbsolutePath();
    }

    @Test
    void generatesWhatSampleGeneratesForTheIds() {
        SparkSession spark = SparkTestSession.get();
        VaeSampler sampler = new VaeSampler().setModelPath(path("vector")).setSeed(5);
        Dataset<Row> out = sampler.transform(spark.range(0, 30, 1, 1).withColumn("other", lit(1)));
        assertEquals(List.of("id", "latent", "sample"), List.of(out.columns()));
        assertEquals(model.sample(spark, 30, 5).collectAsList(), out.orderBy("id").collectAsList());
        assertEquals(out.schema().toString(), sampler.transformSchema(spark.range(3).schema()).toString());
    }

    /**
     * A table with its own {@code id} column among the inputs: the generated rows' row number is
     * {@code sample_id}, so no two columns are called {@code id} (they were, and dropping "id" lost
     * the generated one too).
     */
    @Test
    void aTableModelThatGeneratesAnIdColumnNumbersItsRowsAsSampleId() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> data = spark.range(0, 300, 1, 2).selectExpr("id", "id % 3 + rand(1) as x");
        VariationalAutoencoderModel withId = new VariationalAutoencoder().setInputCols(new String[] {"id", "x"})
                .setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(1).setSeed(2).fit(data);
        assertEquals("sample_id", withId.sampleIdCol());
        assertEquals("id", model.sampleIdCol());
        Dataset<Row> sampled = withId.sample(spark, 50, 4);
        assertEquals(List.of("sample_id", "id", "x"), List.of(sampled.columns()));
        List<Row> rows = sampled.orderBy("sample_id").collectAsList();
        assertEquals(49L, rows.get(49).getLong(0));
        assertTrue(rows.stream().allMatch(r -> !r.isNullAt(1) || !r.isNullAt(2)), "generated values");
        assertEquals(List.of("id", "x"), List.of(sampled.drop(withId.sampleIdCol()).columns()));
        withId.write().save(path("with-id"));
        Dataset<Row> out = new VaeSampler().setModelPath(path("with-id")).setSeed(4).transform(spark.range(0, 50, 1, 1));
        assertEquals(List.of("sample_id", "id", "x"), List.of(out.columns()));
        assertEquals(out.schema(), new VaeSampler().setModelPath(path("with-id")).transformSchema(spark.range(1).schema()));
    }

    @Test
    void needsAnIntegralIdColumnAndAModelPath() {
        SparkSession spark = SparkTestSession.get();
        VaeSampler sampler = new VaeSampler().setModelPath(path("vector"));
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> sampler.transform(spark.range(3).toDF("n")));
        assertTrue(missing.getMessage().contains("'id'"), missing.getMessage());
        assertThrows(InvalidInputException.class,
                () -> sampler.transform(spark.range(3).withColumn("id", col("id").cast("double"))));
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> new VaeSampler().transform(spark.range(3)));
        assertTrue(unset.getMessage().contains("modelPath"), unset.getMessage());
    }

    @Test
    void conditionalTableModelsTakeConditionRows() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> data = TabularModelTest.table(300, 2).where(col("segment").isNotNull());
        VariationalAutoencoderModel conditional = new VariationalAutoencoder()
                .setInputCols(new String[] {"score", "active"}).setConditionCols(new String[] {"segment"})
                .setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(1).setSeed(2).fit(data);
        conditional.write().save(path("conditional"));
        Dataset<Row> conditions = spark.range(0, 20, 1, 1)
                .withColumn("segment", when(col("id").lt(10), lit("low")).otherwise(lit("high")));
        Dataset<Row> out = new VaeSampler().setModelPath(path("conditional")).setSeed(3).transform(conditions);
        assertEquals(List.of("id", "segment", "score", "active"), List.of(out.columns()));
        assertEquals(conditional.sample(conditions, 3).collectAsList(), out.collectAsList());
    }

    @Test
    void savesAndLoads() throws Exception {
        VaeSampler sampler = new VaeSampler().setModelPath(path("vector")).setSeed(9);
        sampler.write().overwrite().save(path("sampler"));
        VaeSampler loaded = VaeSampler.load(path("sampler"));
        assertEquals(path("vector"), loaded.getModelPath());
        assertEquals(9, loaded.getSeed());
        assertEquals(sampler.uid(), loaded.uid());
    }

    @Test
    void estimatedSizeCountsTheWeightsAndTheTableDescription() {
        model.transform(SyntheticData.manifold(10, 0.05, 2, 1)).count();
        assertEquals(8L * model.weights().length + 1024, model.estimatedSize(),
                "weights and a fixed allowance, not the params' docs, summary or broadcast");
    }
}
