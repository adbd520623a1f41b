package io.github.vaespark.cli;

import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: fit a VariationalAutoencoder, save it, and write its history next to it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fit a VariationalAutoencoder on the input, save the model to --model and the training "
                + "history to <model>.history.json. With --input-cols it models those table columns (numbers, "
                + "dates, timestamps, strings, booleans; nulls allowed); without, the features column (assembled "
                + "from the numeric columns when absent). Every estimator param is an option below.")
final class TrainCommand extends InputCommand {
    @Option(names = "--model", required = true, paramLabel = "PATH", description = "Where to save the model.")
    String model;

    @Option(names = "--overwrite", description = "Replace an existing model and history.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        VariationalAutoencoder vae = new VariationalAutoencoder();
        ParamOptions.apply(spec, vae);
        SparkSession spark = session.create("vae-spark train");
        if (!overwrite) {
            // Before the fit, not after it: a fit can take hours.
            Outputs.refuseExisting(spark, "--overwrite to replace the model and its history, or another --model", model,
                    Outputs.historyPath(model));
        }
        Dataset<Row> data = vae.isTabular() ? tableInput(spark, vae) : inputs.read(spark, vae.getFeaturesCol());
        vae.addTrainingListener(new ProgressPrinter(System.out));
        out().println("vae-spark train: " + inputs.input + " -> " + model + " (" + spark.sparkContext().master()
                + ", " + spark.sparkContext().defaultParallelism() + " cores)");
        VariationalAutoencoderModel fitted = vae.fit(data);
        (overwrite ? fitted.write().overwrite() : fitted.write()).save(model);
        if (inputs.assembledColumns() != null) {
            // transform and evaluate assemble these columns, in this order, whatever order a later input has.
            Outputs.writeText(spark, ModelOptions.assembledColumnsPath(model),
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(inputs.assembledColumns()),
                    true);
            out().println("features: the numeric columns " + String.join(", ", inputs.assembledColumns()));
        }
        String history = Outputs.historyPath(model);
        Outputs.writeText(spark, history, fitted.summary().toJson(), overwrite);
        out().println(String.format(Locale.ROOT, "saved %s (%s, %d parameters) and %s; %d rows, %d skipped, "
                        + "%d steps in %.1f s", model, fitted.layout().describe(), fitted.layout().numParams(), history,
                fitted.summary().trainingRows(), fitted.summary().skippedRows(), fitted.summary().totalSteps(),
                fitted.summary().seconds()));
        if (fitted.tableColumns() != null) {
            out().println(TableColumns.summary(fitted.tableColumns()));
        }
        return 0;
    }

    /** The input of a table model, failing with the option and column at fault when a named column is absent. */
    private Dataset<Row> tableInput(SparkSession spark, VariationalAutoencoder vae) {
        Dataset<Row> data = inputs.readTable(spark, Arrays.asList(vae.getInputCols()), "--input-cols");
        inputs.requireColumns(data, Arrays.asList(vae.getConditionCols()), "--condition-cols");
        inputs.requireColumns(data, Arrays.asList(vae.getCategoricalCols()), "--categorical-cols");
        return data;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
