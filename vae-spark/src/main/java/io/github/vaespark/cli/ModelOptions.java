package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The saved model a command uses (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH", description = "A saved model.")
    String model;

    /** Loads the model, with a one-line error when the path does not exist. */
    VariationalAutoencoderModel load(SparkSession spark) {
        Inputs.requireExists(spark, model);
        return VariationalAutoencoderModel.load(model);
    }
}
