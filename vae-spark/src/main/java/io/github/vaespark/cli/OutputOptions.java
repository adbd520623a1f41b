package io.github.vaespark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import picocli.CommandLine.Option;

/** Where a command writes its rows: Parquet, or CSV when the name ends with .csv (a picocli mixin). */
final class OutputOptions {
    @Option(names = "--output", required = true, paramLabel = "PATH",
            description = "Output directory: Parquet, or CSV (one file with a header in that directory, nulls "
                    + "empty) when the name ends with .csv; CSV holds numbers, strings and booleans only, not "
                    + "vector columns.")
    String output;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    /** Whether {@link #write} writes CSV: the output's name ends with .csv. */
    boolean csv() {
        return output.toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    /**
     * Writes {@code rows} as Parquet, or when {@link #csv()} as Spark's CSV directory holding one part
     * file with a header, refusing to replace an existing output without --overwrite. CSV output of a
     * column CSV cannot hold (a vector, array, map or struct) is an error naming those columns,
     * followed by {@code hint} (what to change; may be empty), before anything is written.
     */
    void write(Dataset<Row> rows, String hint) {
        if (!overwrite) {
            Outputs.refuseExisting(rows.sparkSession(), "--overwrite to replace it, or another --output", output);
        }
        if (!csv()) {
            rows.write().mode(mode()).parquet(output);
            return;
        }
        List<String> complex = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            if (!csvCanHold(f.dataType())) {
                complex.add(f.name() + " (" + f.dataType().simpleString() + ")");
            }
        }
        if (!complex.isEmpty()) {
            throw new IllegalArgumentException("--output " + output + " ends with .csv, but CSV cannot hold the "
                    + (complex.size() == 1 ? "column " : "columns ") + String.join(", ", complex)
                    + ": give an --output not ending with .csv to write Parquet" + (hint.isEmpty() ? "" : ", " + hint)
                    + ".");
        }
        rows.coalesce(1).write().mode(mode()).option("header", "true").csv(output);
    }

    /** How many rows {@link #write} wrote (read back: Parquet's metadata, or one pass over the CSV file). */
    long countWritten(SparkSession spark) {
        return csv() ? spark.read().option("header", "true").csv(output).count() : spark.read().parquet(output).count();
    }

    /** Whether Spark's CSV writer takes a column of this type: no vectors, arrays, maps or structs. */
    static boolean csvCanHold(DataType type) {
        return !(type instanceof ArrayType || type instanceof MapType || type instanceof StructType
                || type instanceof UserDefinedType);
    }

    private SaveMode mode() {
        return overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists;
    }
}
