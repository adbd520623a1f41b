package io.github.vaespark.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** The saved model a command uses (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "PATH", description = "A saved model.")
    String model;

    /** Where train records the numeric columns it assembled into the features vector, inside the model. */
    static String assembledColumnsPath(String model) {
        return (model.endsWith("/") ? model : model + "/") + "assembledColumns.json";
    }

    /**
     * The numeric columns, in order, that {@code train} assembled into this model's features vector
     * (so that transform and evaluate assemble the same ones), or null when the model was trained
     * on a vector column or by another program.
     */
    List<String> assembledColumns(SparkSession spark) {
        try {
            Path p = new Path(assembledColumnsPath(model));
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                return null;
            }
            try (FSDataInputStream in = fs.open(p)) {
                return List.of(new ObjectMapper().readValue((java.io.InputStream) in, String[].class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + assembledColumnsPath(model) + ": " + e.getMessage(), e);
        }
    }

    /** Loads the model, with a one-line error when the path does not exist. */
    VariationalAutoencoderModel load(SparkSession spark) {
        Inputs.requireExists(spark, model);
        return VariationalAutoencoderModel.load(model);
    }
}
