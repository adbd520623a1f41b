package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Every numeric Spark type (and numeric codes as categories) comes back in its own type. */
class TabularTypesTest {

    @Test
    void everyNumericTypeKeepsItsTypeRangeAndScale() {
        Dataset<Row> data = SparkTestSession.get().range(0, 600, 1, 2)
                .withColumn("b", col("id").mod(7).cast("byte"))
                .withColumn("s", col("id").mod(300).cast("short"))
                .withColumn("l", col("id").multiply(1000).cast("long"))
                .withColumn("f", rand(1).multiply(10).cast("float"))
                .withColumn("d", when(rand(2).lt(0.1), lit(null)).otherwise(rand(3).multiply(100))
                        .cast("decimal(10,2)"))
                .withColumn("code", col("id").mod(4).cast("int"))
                .withColumn("flag", when(rand(4).lt(0.1), lit(null)).otherwise(rand(5).lt(0.5)))
                .drop("id").cache();
        String[] columns = data.columns();
        VariationalAutoencoderModel model = new VariationalAutoencoder().setInputCols(columns)
                .setCategoricalCols(new String[] {"code"}).setLatentDim(2).setEncoderLayers(new int[] {16})
                .setMaxEpochs(3).setBatchSize(64).fit(data);
        Dataset<Row> sampled = model.sample(SparkTestSession.get(), 500, 3);
        for (String c : columns) {
            assertEquals(data.schema().apply(c).dataType(), sampled.schema().apply(c).dataType(), c);
        }
        for (Row r : sampled.collectAsList()) {
            assertTrue(r.getByte(r.fieldIndex("b")) >= 0 && r.getByte(r.fieldIndex("b")) <= 6, "byte range " + r);
            long l = r.getLong(r.fieldIndex("l"));
            assertTrue(l >= 0 && l <= 599_000, "long range " + r);
            int code = r.getInt(r.fieldIndex("code"));
            assertTrue(code >= 0 && code <= 3, "a training code " + r);
            Object d = r.get(r.fieldIndex("d"));
            if (d != null) {
                assertEquals(2, ((BigDecimal) d).scale(), "decimal scale");
            }
        }
        String[] imputed = java.util.Arrays.stream(columns).map(c -> c + "_i").toArray(String[]::new);
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setImputedCols(imputed).transform(data)
                .select("d", "d_i", "flag", "flag_i").collectAsList();
        for (Row r : rows) {
            assertNotNull(r.get(1), "decimal imputed");
            assertNotNull(r.get(3), "boolean imputed");
            if (!r.isNullAt(0)) {
                assertEquals(r.get(0), r.get(1));
            }
        }
        data.unpersist();
    }
}
