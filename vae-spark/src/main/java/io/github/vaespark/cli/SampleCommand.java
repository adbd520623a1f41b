package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sample}: write rows generated from the prior. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate rows from a model's prior: z ~ N(0, I) decoded; columns id, latent, sample.")
final class SampleCommand implements Callable<Integer> {
    @Mixin
    SessionOptions session;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "A saved model.")
    String model;

    @Option(names = "--n", defaultValue = "64", paramLabel = "N", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
    long n;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "LONG", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--draw", description = "Draw x from p(x|z) instead of writing the decoder mean.")
    boolean draw;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet output directory.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    public Integer call() {
        SparkSession spark = session.create("vae-spark sample");
        Inputs.requireExists(spark, model);
        VariationalAutoencoderModel vae = VariationalAutoencoderModel.load(model);
        vae.sample(spark, n, seed, draw).write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(output);
        System.out.println("vae-spark sample: wrote " + n + " rows to " + output);
        return 0;
    }
}
