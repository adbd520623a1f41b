package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A table model's batch transform on Spark's internal rows gives exactly what the Row path gives
 * (the path of streaming and Connect input): every output column, for every column type a table
 * takes, with missing values imputed.
 */
class TableTransformPathsTest {

    @Test
    void internalRowsAndRowsGiveTheSameOutputs() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> data = spark.range(0, 500, 1, 2)
                .withColumn("x", when(rand(1).lt(0.1), lit(null)).otherwise(rand(2).multiply(50)))
                .withColumn("nan", when(rand(3).lt(0.1), lit(Double.NaN)).otherwise(rand(4)))
                .withColumn("f", rand(5).multiply(3).cast("float"))
                .withColumn("i", when(rand(6).lt(0.1), lit(null)).otherwise(col("id").mod(40)).cast("int"))
                .withColumn("l", col("id").multiply(7).cast("long"))
                .withColumn("s", col("id").mod(9).cast("short"))
                .withColumn("b", col("id").mod(3).cast("byte"))
                .withColumn("dec", when(rand(7).lt(0.1), lit(null)).otherwise(rand(8).multiply(20)).cast("decimal(8,3)"))
                .withColumn("day", when(rand(9).lt(0.1), lit(null))
                        .otherwise(lit(java.sql.Date.valueOf("2001-02-03")).plus(col("id").mod(700).cast("int"))))
                .withColumn("ts", when(rand(10).lt(0.1), lit(null))
                        .otherwise(col("id").multiply(86_400 * 3 + 17).minus(10_000_000).cast("timestamp")))
                .withColumn("ntz", col("ts").cast("timestamp_ntz"))
                .withColumn("word", when(rand(11).lt(0.15), lit(null))
                        .otherwise(concat(lit("w"), col("id").mod(5).cast("string"))))
                .withColumn("flag", when(rand(12).lt(0.1), lit(null)).otherwise(rand(13).lt(0.4)))
                .withColumn("code", col("id").mod(4).cast("int"))
                .cache();
        String[] columns = Arrays.stream(data.columns()).filter(c -> !c.equals("id")).toArray(String[]::new);
        VariationalAutoencoderModel model = new VariationalAutoencoder().setInputCols(columns)
                .setCategoricalCols(new String[] {"code"}).setLatentDim(3).setEncoderLayers(new int[] {24})
                .setMaxEpochs(2).setBatchSize(64).setSeed(5).fit(data);
        String[] imputed = Arrays.stream(columns).map(c -> c + "_i").toArray(String[]::new);
        VariationalAutoencoderModel scoring = model.copy(new ParamMap()).setImputedCols(imputed)
                .setColumnScoresCol("scores").setElboCol("elbo").setLatentColsPrefix("z");
        List<Row> internal = scoring.transform(data).orderBy("id").collectAsList();
        List<Row> rows = scoring.transformTableRows(data).orderBy("id").collectAsList();
        assertEquals(scoring.transformSchema(data.schema()), scoring.transform(data).schema());
        assertEquals(500, internal.size());
        assertEquals(rows.size(), internal.size());
        int missingImputed = 0;
        for (int r = 0; r < rows.size(); r++) {
            assertEquals(rows.get(r), internal.get(r), "row " + r);
            Row row = internal.get(r);
            for (String c : columns) {
                Object in = row.get(row.fieldIndex(c));
                boolean missing = in == null || (in instanceof Double d && d.isNaN());
                Object out = row.get(row.fieldIndex(c + "_i"));
                assertTrue(out != null && !(out instanceof Double d && d.isNaN()), c + "_i imputed in row " + r);
                if (missing) {
                    missingImputed++;
                } else {
                    assertEquals(in, out, c + " kept in row " + r);
                }
            }
        }
        assertTrue(missingImputed > 200, "missing cells imputed: " + missingImputed);
        data.unpersist();
    }
}
