package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoderModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code transform}: append the latent mean and reconstruction columns and write Parquet. */
@Command(name = "transform", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load a model, append its output columns to the input and write Parquet.")
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
                : inputs.read(spark, vae.getFeaturesCol());
        output.write(vae.transform(data));
        System.out.println("vae-spark transform: wrote " + spark.read().parquet(output.output).count() + " rows to "
                + output.output);
        return 0;
    }
}
