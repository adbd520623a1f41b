package io.github.vaespark.cli;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import picocli.CommandLine.Option;

/** Where a command writes its Parquet output (a picocli mixin). */
final class OutputOptions {
    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet output directory.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    /** Writes {@code rows} as Parquet, refusing to replace an existing output without --overwrite. */
    void write(Dataset<Row> rows) {
        rows.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(output);
    }
}
