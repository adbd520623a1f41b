package io.github.vaespark.cli;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Option;

/** Where a command writes its Parquet output (a picocli mixin). */
final class OutputOptions {
    @Option(names = "--output", required = true, paramLabel = "PATH",
            description = "Parquet output directory (rows of a table model: CSV, one file in that directory, when "
                    + "the name ends with .csv).")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    /** Writes {@code rows} as Parquet, refusing to replace an existing output without --overwrite. */
    void write(Dataset<Row> rows) {
        rows.write().mode(mode()).parquet(output);
    }

    /** Writes table rows as Parquet, or as one CSV file with a header (nulls empty) when the output ends with .csv. */
    void writeTable(Dataset<Row> rows) {
        if (output.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            rows.coalesce(1).write().mode(mode()).option("header", "true").csv(output);
        } else {
            write(rows);
        }
    }

    private SaveMode mode() {
        return overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    }
}
