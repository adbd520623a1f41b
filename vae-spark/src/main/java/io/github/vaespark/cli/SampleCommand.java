package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.concurrent.Callable;
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

    @Mixin
    ModelOptions model;

    @Option(names = "--n", defaultValue = "64", paramLabel = "N", description = "Rows to generate (default: ${DEFAULT-VALUE}).")
    long n;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "LONG", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--draw", description = "Draw x from p(x|z) instead of writing the decoder mean.")
    boolean draw;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        SparkSession spark = session.create("vae-spark sample");
        VariationalAutoencoderModel vae = model.load(spark);
        output.write(vae.sample(spark, n, seed, draw));
        System.out.println("vae-spark sample: wrote " + n + " rows to " + output.output);
        return 0;
    }
}
