package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A conditional table VAE: generated rows follow the condition the way the real data does. */
class ConditionalTableTest {
    private static Dataset<Row> data;
    private static VariationalAutoencoderModel model;

    @BeforeAll
    static void train() {
        data = TabularModelTest.table(3000, 31).where(col("segment").isNotNull()).cache();
        model = new VariationalAutoencoder().setInputCols(new String[] {"score", "income", "active", "visits"})
                .setConditionCols(new String[] {"segment"}).setLatentDim(4).setEncoderLayers(new int[] {32, 32})
                .setBatchSize(100).setStepSize(3e-3).setMaxEpochs(30).setSeed(4).fit(data);
    }

    private static double meanScore(Dataset<Row> d, String segment) {
        return d.where(col("segment").equalTo(segment).and(col("score").isNotNull()).and(org.apache.spark.sql.functions.not(col("score").isNaN())))
                .agg(avg("score")).first().getDouble(0);
    }

    @Test
    void generatedRowsMoveWithTheCondition() {
        Dataset<Row> conditions = SparkTestSession.get().range(0, 3000, 1, 2)
                .withColumn("segment", org.apache.spark.sql.functions.when(col("id").mod(2).equalTo(0), lit("low"))
                        .otherwise(lit("high")));
        Dataset<Row> generated = model.sample(conditions, 7).cache();
        assertEquals(List.of("id", "segment", "score", "income", "active", "visits"), List.of(generated.columns()));
        assertEquals(3000, generated.count());
        double realLow = meanScore(data, "low");
        double realHigh = meanScore(data, "high");
        double fakeLow = meanScore(generated, "low");
        double fakeHigh = meanScore(generated, "high");
        // In the real data segment 'low' means score < 0: the conditional samples must follow.
        assertTrue(realLow < 0 && realHigh > 0, realLow + " " + realHigh);
        assertTrue(fakeLow < 0 && fakeHigh > 0, "generated: low " + fakeLow + ", high " + fakeHigh);
        assertEquals(realLow, fakeLow, 0.5 * (realHigh - realLow) / 2, "low");
        assertEquals(realHigh, fakeHigh, 0.5 * (realHigh - realLow) / 2, "high");
        assertEquals(generated.orderBy("id").collectAsList(), model.sample(conditions, 7).orderBy("id").collectAsList(),
                "same seed and conditions, same rows");
        generated.unpersist();
    }

    @Test
    void conditionalModelsNeedConditions() {
        assertThrows(InvalidInputException.class, () -> model.sample(SparkTestSession.get(), 10, 1));
        assertThrows(InvalidInputException.class, () -> model.sample(data.select("id"), 1));
        assertThrows(InvalidInputException.class, () -> model.sample(data.select("segment", "score"), 1));
        // A condition of another type is refused before any job runs, naming the column.
        InvalidInputException typed = assertThrows(InvalidInputException.class,
                () -> model.sample(data.selectExpr("segment = 'high' as segment"), 1));
        assertTrue(typed.getMessage().contains("'segment'") && typed.getMessage().contains("boolean")
                && typed.getMessage().contains("string"), typed.getMessage());
    }
}
