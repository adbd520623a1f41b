package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code transform}: append the latent mean and reconstruction columns and write Parquet. */
@Command(name = "transform", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load a model, append its output columns to the input and write Parquet.")
final class TransformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Inputs inputs;

    @Mixin
    SessionOptions session;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "A saved model.")
    String model;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet output directory.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Override
    public Integer call() {
        SparkSession spark = session.create("vae-spark transform");
        Inputs.requireExists(spark, model);
        VariationalAutoencoderModel vae = VariationalAutoencoderModel.load(model);
        ParamOptions.apply(spec, vae);
        Dataset<Row> data = inputs.read(spark, vae.getFeaturesCol());
        vae.transform(data).write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
        System.out.println("vae-spark transform: wrote " + spark.read().parquet(output).count() + " rows to " + output);
        return 0;
    }
}
