package io.github.vaespark.cli;

import io.github.vaespark.ml.QualityReport;
import io.github.vaespark.ml.SyntheticDataQuality;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.table.ColumnRef;
import io.github.vaespark.table.TableCodec;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sample}: write rows generated from the prior. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate rows from a model's prior (z ~ N(0, I) decoded). A table model writes exactly its "
                + "input columns, with their training names and types (nulls as in training); a vector model writes "
                + "columns id, latent, sample.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Mixin
    ModelOptions model;

    @Option(names = {"--rows", "--n"}, defaultValue = "64", paramLabel = "N",
            description = "Rows to generate (default: ${DEFAULT-VALUE}).")
    long n;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "LONG", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--draw", description = "Vector models: draw x from p(x|z) instead of writing the decoder mean.")
    boolean draw;

    @Option(names = "--conditions", paramLabel = "PATH",
            description = "Conditional table models: Parquet or CSV with the condition columns; one generated row "
                    + "per row, written after its fields (--rows is ignored).")
    String conditions;

    @Mixin
    OutputOptions output;

    @ArgGroup(exclusive = false, heading = "%nTable models: compare the written rows with the real data%n")
    Inputs real;

    @Override
    public Integer call() {
        OptionChecks.atLeast(spec, "--rows", n, 0, "rows to generate");
        SparkSession spark = session.create("vae-spark sample");
        VariationalAutoencoderModel vae = model.load(spark);
        TableCodec table = vae.tableColumns();
        if (table == null) {
            if (real != null || conditions != null) {
                throw new IllegalArgumentException("--input and --conditions need a table model; " + model.model
                        + " models a vector column.");
            }
            output.write(vae.sample(spark, n, seed, draw), "");
            out().println("vae-spark sample: wrote " + n + " rows to " + output.output);
            return 0;
        }
        Dataset<Row> rows = generate(spark, vae, table);
        output.write(rows, "");
        Dataset<Row> written = Inputs.readTableFile(spark, output.output, "");
        long count = written.count();
        out().println("vae-spark sample: wrote " + count + " rows to " + output.output);
        if (real != null && count == 0) {
            out().println("vae-spark sample: no rows written, so no quality report");
        } else if (real != null) {
            printQuality(spark, vae, table, written);
        }
        return 0;
    }

    private Dataset<Row> generate(SparkSession spark, VariationalAutoencoderModel vae, TableCodec table) {
        if (table.conditions().isEmpty()) {
            if (conditions != null) {
                throw new IllegalArgumentException("--conditions: " + model.model + " is not a conditional model.");
            }
            return vae.sample(spark, n, seed).drop(vae.sampleIdCol());
        }
        if (conditions == null) {
            throw new IllegalArgumentException(model.model + " is conditional on " + String.join(", ",
                    table.conditionNames()) + ": give their values with --conditions PATH.");
        }
        return vae.sample(Inputs.readTableFile(spark, conditions, "NA"), seed);
    }

    private void printQuality(SparkSession spark, VariationalAutoencoderModel vae, TableCodec table,
                              Dataset<Row> synthetic) {
        String[] cols = table.featureNames().toArray(new String[0]);
        String[] categorical = Arrays.stream(vae.getCategoricalCols()).filter(table.featureNames()::contains)
                .toArray(String[]::new);
        Dataset<Row> realRows = real.readTable(spark, table.featureNames(), "the model").select(
                table.featureNames().stream().map(ColumnRef::of)
                        .toArray(org.apache.spark.sql.Column[]::new)).cache();
        QualityReport report = SyntheticDataQuality.compare(realRows, synthetic, cols, categorical);
        QualityReport baseline = SyntheticDataQuality.compare(realRows,
                SyntheticDataQuality.independentColumns(realRows, seed), cols, categorical);
        out().print(report.format());
        out().println(String.format(Locale.ROOT, "independent-columns baseline: column shapes %.4f, "
                + "pair dependence %.4f", baseline.columnShapes(), baseline.pairDependence()));
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
