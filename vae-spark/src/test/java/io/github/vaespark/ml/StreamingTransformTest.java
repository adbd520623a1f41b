package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vaespark.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model transforms a streaming DataFrame exactly as it transforms the same rows in batch. */
class StreamingTransformTest {
    @TempDir
    Path tmp;

    @Test
    void streamingAndBatchTransformsAgree() throws Exception {
        Dataset<Row> data = SyntheticData.manifold(300, 0.1, 4, 2);
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8})
                .setMaxEpochs(1).setElboCol("elbo").fit(data);
        String input = tmp.resolve("in").toString();
        data.write().parquet(input);

        Dataset<Row> stream = SparkTestSession.get().readStream().schema(data.schema()).parquet(input);
        StreamingQuery query = model.transform(stream).select("id", "latentMean", "elbo").writeStream()
                .format("memory").queryName("vae_stream").outputMode("append").start();
        try {
            query.processAllAvailable();
        } finally {
            query.stop();
        }
        List<Row> streamed = SparkTestSession.get().sql("select * from vae_stream order by id").collectAsList();
        List<Row> batch = model.transform(SparkTestSession.get().read().parquet(input))
                .select("id", "latentMean", "elbo").orderBy("id").collectAsList();
        assertEquals(300, streamed.size());
        for (int i = 0; i < batch.size(); i++) {
            assertEquals(batch.get(i).getLong(0), streamed.get(i).getLong(0));
            assertArrayEquals(((Vector) batch.get(i).get(1)).toArray(), ((Vector) streamed.get(i).get(1)).toArray());
            assertEquals(batch.get(i).getDouble(2), streamed.get(i).getDouble(2));
        }
    }

    @Test
    void tableModelsTransformStreamsAsBatches() throws Exception {
        Dataset<Row> data = TabularModelTest.table(300, 5);
        VariationalAutoencoderModel model = new VariationalAutoencoder().setInputCols(TabularModelTest.COLUMNS)
                .setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(1).setElboCol("elbo")
                .setImputedCols(new String[] {"s", "i", "g", "a", "v"}).setColumnScoresCol("scores").fit(data);
        String input = tmp.resolve("table").toString();
        data.write().parquet(input);
        Dataset<Row> stream = SparkTestSession.get().readStream().schema(data.schema()).parquet(input);
        StreamingQuery query = model.transform(stream).writeStream().format("memory").queryName("vae_table_stream")
                .outputMode("append").start();
        try {
            query.processAllAvailable();
        } finally {
            query.stop();
        }
        List<Row> streamed = SparkTestSession.get().sql("select * from vae_table_stream order by id").collectAsList();
        List<Row> batch = model.transform(SparkTestSession.get().read().parquet(input)).orderBy("id").collectAsList();
        assertEquals(300, streamed.size());
        assertEquals(batch, streamed);
    }
}
