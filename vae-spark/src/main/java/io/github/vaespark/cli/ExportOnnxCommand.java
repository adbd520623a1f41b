package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export-onnx}: write a model's encoder and decoder as ONNX graphs. */
@Command(name = "export-onnx", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write encoder.onnx (features -> latent_mean, latent_log_variance) and decoder.onnx "
                + "(latent -> reconstruction) for serving outside Spark (ONNX opset 13, float32).")
final class ExportOnnxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Mixin
    ModelOptions model;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Directory for the two .onnx files.")
    String output;

    @Option(names = "--overwrite", description = "Replace existing .onnx files.")
    boolean overwrite;

    @Override
    public Integer call() {
        SparkSession spark = session.create("vae-spark export-onnx");
        VariationalAutoencoderModel vae = model.load(spark);
        vae.exportOnnx(output, overwrite);
        spec.commandLine().getOut().println("vae-spark export-onnx: wrote " + output + "/encoder.onnx and " + output
                + "/decoder.onnx");
        return 0;
    }
}
