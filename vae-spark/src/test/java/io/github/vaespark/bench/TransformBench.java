package io.github.vaespark.bench;

import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The transform path alone: trains the Fashion-MNIST VAE for one epoch, then times
 * {@code transform} (latent mean and reconstruction) of the training images several times and
 * prints rows/s per run. Not a unit test. Usage: TransformBench [--key value]...
 */
public final class TransformBench {
    private TransformBench() {
    }

    public static void main(String[] argv) {
        Map<String, String> a = BenchArgs.parse(argv, "data", "/usr/share/datasets/fashion-mnist", "master",
                "local[2]", "runs", "5");
        SparkSession spark = BenchArgs.session(a.get("master"), "vae-spark transform benchmark", "");
        Dataset<Row> train = BenchArgs.fashionMnist(spark, a.get("data"), "train", 0);
        long rows = train.count();
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLikelihood("bernoulli")
                .setEncoderLayers(new int[] {512, 256}).setLatentDim(20).setBatchSize(1024).setMaxEpochs(1)
                .fit(train);
        for (int run = 0; run < Integer.parseInt(a.get("runs")); run++) {
            long t = System.nanoTime();
            model.transform(train).write().format("noop").mode("overwrite").save();
            System.out.printf("transform run %d: %.0f rows/s%n", run, rows / ((System.nanoTime() - t) / 1e9));
        }
        spark.stop();
    }
}
