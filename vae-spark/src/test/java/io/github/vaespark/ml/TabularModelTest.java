package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A table model on a small mixed table: schema-preserving samples, imputation, scores, persistence. */
class TabularModelTest {
    static final String[] COLUMNS = {"score", "income", "segment", "active", "visits"};
    private static Dataset<Row> data;
    private static VariationalAutoencoderModel model;

    /** A bimodal double with NaNs, a skewed correlated double with nulls, a dependent string, boolean and int. */
    static Dataset<Row> table(long rows, long seed) {
        return SparkTestSession.get().range(0, rows, 1, 2)
                .withColumn("u", randn(seed))
                .withColumn("mode", rand(seed + 1).lt(0.4))
                .withColumn("score0", when(col("mode"), col("u").multiply(0.5).minus(3))
                        .otherwise(col("u").multiply(0.8).plus(2)))
                .withColumn("income0", exp(col("score0").multiply(0.3).plus(randn(seed + 2).multiply(0.3)).plus(3)))
                .withColumn("segment", when(rand(seed + 5).lt(0.05), lit(null).cast("string"))
                        .when(col("score0").lt(0), lit("low"))
                        .when(rand(seed + 3).lt(0.7), lit("high")).otherwise(lit("mid")))
                .withColumn("active", rand(seed + 4).lt(when(col("income0").gt(30), 0.85).otherwise(0.15)))
                .withColumn("visits", floor(col("score0").plus(4).multiply(1.5).plus(rand(seed + 6).multiply(3)))
                        .cast("int"))
                .withColumn("score", when(rand(seed + 7).lt(0.05), lit(Double.NaN)).otherwise(col("score0")))
                .withColumn("income", when(rand(seed + 8).lt(0.1), lit(null).cast("double")).otherwise(col("income0")))
                .select("id", COLUMNS);
    }

    @BeforeAll
    static void train() {
        data = table(3000, 11).cache();
        model = new VariationalAutoencoder().setInputCols(COLUMNS).setLatentDim(4)
                .setEncoderLayers(new int[] {32, 32}).setBatchSize(100).setStepSize(3e-3).setMaxEpochs(40)
                .setSeed(3).fit(data);
    }

    @Test
    void samplesKeepTheSchemaLevelsRangesAndNullRates() {
        Dataset<Row> s = model.sample(SparkTestSession.get(), 4000, 5).cache();
        assertEquals(List.of("id", "score", "income", "segment", "active", "visits"), List.of(s.columns()));
        for (String c : COLUMNS) {
            StructField trained = data.schema().apply(c);
            assertEquals(trained.dataType(), s.schema().apply(c).dataType(), c);
        }
        Set<Object> levels = Set.copyOf(s.select("segment").distinct().collectAsList().stream()
                .map(r -> r.get(0)).filter(v -> v != null).toList());
        assertTrue(Set.of("low", "mid", "high").containsAll(levels), "levels " + levels);
        Row range = data.agg(org.apache.spark.sql.functions.min("visits"), org.apache.spark.sql.functions.max("visits"))
                .first();
        Row sampled = s.agg(org.apache.spark.sql.functions.min("visits"), org.apache.spark.sql.functions.max("visits"))
                .first();
        assertTrue(sampled.getInt(0) >= range.getInt(0) && sampled.getInt(1) <= range.getInt(1));
        for (String c : new String[] {"income", "segment", "score"}) {
            double real = missingRate(data, c);
            double fake = missingRate(s, c);
            assertEquals(real, fake, 0.03, c + " null rate");
        }
        List<Row> again = model.sample(SparkTestSession.get(), 4000, 5).orderBy("id").collectAsList();
        assertEquals(s.orderBy("id").collectAsList(), again, "same seed, same rows");
        s.unpersist();
    }

    static double missingRate(Dataset<Row> d, String c) {
        long total = d.count();
        boolean floating = d.schema().apply(c).dataType() instanceof org.apache.spark.sql.types.DoubleType;
        long missing = d.where(floating ? col(c).isNull().or(col(c).isNaN()) : col(c).isNull()).count();
        return (double) missing / total;
    }

    @Test
    void transformImputesAndScoresEveryColumn() {
        Dataset<Row> out = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setImputedCols(new String[] {"score_i", "income_i", "segment_i", "active_i", "visits_i"})
                .setColumnScoresCol("columnScores").setElboCol("elbo").transform(data);
        assertEquals(data.schema().apply("income").dataType(), out.schema().apply("income_i").dataType());
        List<Row> rows = out.collectAsList();
        assertEquals(3000, rows.size());
        for (Row r : rows) {
            for (String c : COLUMNS) {
                Object in = r.getAs(c);
                Object imputed = r.getAs(c + "_i");
                assertNotNull(imputed, c + " imputed");
                if (!(in == null || (in instanceof Double d && d.isNaN()))) {
                    assertEquals(in, imputed, c + " kept where present");
                }
            }
            Vector scores = r.getAs("columnScores");
            assertEquals(COLUMNS.length, scores.size());
            assertTrue(Double.isFinite(r.<Double>getAs("elbo")));
        }
        // The evaluator scores a table model by its ELBO; reconstructionError, which needs a features
        // column, says what to use instead.
        assertTrue(Double.isFinite(new VaeEvaluator().evaluate(out)));
        InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> new VaeEvaluator().setMetricName("reconstructionError").evaluate(out));
        assertTrue(e.getMessage().contains("'features'") && e.getMessage().contains("metricName=elbo"), e.getMessage());
    }

    @Test
    void aReloadedModelSamplesTheSameRows(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String path = dir.resolve("model").toString();
        model.write().save(path);
        assertTrue(Files.exists(dir.resolve("model")));
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(path);
        assertEquals(List.of(COLUMNS), loaded.tableColumns().featureNames());
        assertEquals(model.sample(SparkTestSession.get(), 500, 9).collectAsList(),
                loaded.sample(SparkTestSession.get(), 500, 9).collectAsList());
    }
}
