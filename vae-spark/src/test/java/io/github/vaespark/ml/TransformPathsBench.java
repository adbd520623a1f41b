package io.github.vaespark.ml;

import io.github.vaespark.io.IdxDataset;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The batch transform on internal rows against the row-object path (what transform did before),
 * alternating: on Fashion-MNIST's training images to Spark's noop sink, or (with a width) on
 * 400,000 rows of that many rand() floats read from and written to Parquet. Not a unit test.
 * Usage: TransformPathsBench [runs] [width]
 */
public final class TransformPathsBench {
    private TransformPathsBench() {
    }

    public static void main(String[] argv) {
        int runs = argv.length > 0 ? Integer.parseInt(argv[0]) : 4;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("transform paths")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        String dir = "/usr/share/datasets/fashion-mnist/";
        int width = argv.length > 1 ? Integer.parseInt(argv[1]) : 0;
        String format = width > 0 ? "parquet" : "noop";
        Dataset<Row> train;
        VariationalAutoencoderModel model;
        if (width > 0) {
            org.apache.spark.sql.Column[] values = new org.apache.spark.sql.Column[width];
            for (int i = 0; i < width; i++) {
                values[i] = org.apache.spark.sql.functions.rand(i).cast("float");
            }
            spark.range(0, 400_000, 1, 8).select(org.apache.spark.sql.functions.array(values).as("features"))
                    .write().mode("overwrite").parquet("out/paths-bench/input");
            train = spark.read().parquet("out/paths-bench/input");
            model = new VariationalAutoencoder().setEncoderLayers(new int[] {256, 128}).setLatentDim(16)
                    .setMaxEpochs(1).fit(train.limit(20_000));
        } else {
            train = IdxDataset.read(spark, dir + "train-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz", 2, 0)
                    .cache();
            model = new VariationalAutoencoder().setLikelihood("bernoulli").setEncoderLayers(new int[] {512, 256})
                    .setLatentDim(20).setBatchSize(1024).setMaxEpochs(1).fit(train);
        }
        long rows = train.count();
        for (int r = 0; r < runs; r++) {
            long t = System.nanoTime();
            model.transform(train).write().format(format).mode("overwrite").save("out/paths-bench/a");
            double internal = rows / ((System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            model.transformThroughRowObjects(train).write().format(format).mode("overwrite").save("out/paths-bench/b");
            double objects = rows / ((System.nanoTime() - t) / 1e9);
            System.out.printf("run %d: internal rows %.0f rows/s, row objects %.0f rows/s, ratio %.2f%n", r, internal,
                    objects, internal / objects);
        }
        spark.stop();
    }
}
