package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code transform}: append the model's output columns to the input and write them (Parquet or CSV). */
@Command(name = "transform", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load a model, append its output columns to the input and write Parquet (CSV when --output "
                + "ends with .csv and no column is a vector).")
final class TransformCommand extends InputCommand {
    @Mixin
    ModelOptions model;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() {
        SparkSession spark = session.create("vae-spark transform");
        VariationalAutoencoderModel vae = model.load(spark);
        ParamOptions.apply(spec, vae);
        Dataset<Row> data = vae.tableColumns() != null
                ? inputs.readTable(spark, TableColumns.read(vae.tableColumns()), "the model")
                : inputs.read(spark, vae.getFeaturesCol(), model.assembledColumns(spark));
        output.write(vae.transform(data), vae.tableColumns() == null ? "" : "or leave the vector columns out (an "
                + "empty --latent-mean-col, --reconstruction-col or --column-scores-col drops its column, e.g. "
                + "--latent-mean-col '' --reconstruction-col ''; --latent-cols-prefix writes the latent means as one "
                + "number column each)");
        long rows = output.countWritten(spark);
        spec.commandLine().getOut().println("vae-spark transform: wrote " + rows + " rows to " + output.output);
        return 0;
    }
}
