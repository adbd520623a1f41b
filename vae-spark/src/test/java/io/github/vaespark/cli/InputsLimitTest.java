package io.github.vaespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.io.IdxFilesTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** {@code --limit} keeps the rows spread over the input's partitions: one partition would train on one task. */
class InputsLimitTest {

    @Test
    void limitedInputsKeepTheirPartitions() throws Exception {
        SparkSession spark = SparkTestSession.get();
        int slots = spark.sparkContext().defaultParallelism();
        Path dir = Files.createTempDirectory("vae-limit");
        Path images = IdxFilesTestData.writeImages(dir.resolve("images-idx3-ubyte.gz"), 50, 4);
        Path parquet = dir.resolve("rows.parquet");
        spark.range(0, 100, 1, 4).toDF("x").write().parquet(parquet.toString());

        Dataset<Row> idx = inputs(images.toString(), 30).read(spark, "features");
        assertEquals(30, idx.count());
        assertEquals(slots, idx.rdd().getNumPartitions());

        Dataset<Row> table = inputs(parquet.toString(), 30).readTable(spark, java.util.List.of("x"), "--input-cols");
        assertEquals(30, table.count());
        int unlimited = spark.read().parquet(parquet.toString()).rdd().getNumPartitions();
        assertTrue(unlimited > 1, "the test input has several partitions");
        assertEquals(unlimited, table.rdd().getNumPartitions());
    }

    private static Inputs inputs(String path, int limit) {
        Inputs in = new Inputs();
        in.input = path;
        in.limit = limit;
        in.nullValue = "NA";
        in.excludeCols = java.util.List.of("label", "id", "index");
        return in;
    }
}
