package io.github.vaespark.cli;

import io.github.vaespark.io.IdxDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Option;

/** Where the input rows come from and how the features column is made (a picocli mixin). */
final class Inputs {
    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "Input data: a Parquet file or directory, a CSV file with a header, a LIBSVM file, or an "
                    + "IDX image file (.gz allowed).")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "parquet, csv, libsvm or idx (default: guessed from the file name).")
    String format;

    @Option(names = "--labels", paramLabel = "PATH",
            description = "IDX label file for --format idx; kept as column 'label'.")
    String labels;

    @Option(names = "--input-cols", split = ",", paramLabel = "COL",
            description = "Numeric columns to assemble into the features vector (default for CSV and for Parquet "
                    + "without a vector/array features column: every numeric column except --exclude-cols).")
    List<String> inputCols;

    @Option(names = "--exclude-cols", split = ",", paramLabel = "COL", defaultValue = "label,id,index",
            description = "Numeric columns not to assemble when --input-cols is not given (default: ${DEFAULT-VALUE}).")
    List<String> excludeCols;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use only the first N rows (0: all; default: ${DEFAULT-VALUE}).")
    int limit;

    /** The input as a DataFrame with a features column named {@code featuresCol}. */
    Dataset<Row> read(SparkSession spark, String featuresCol) {
        requireExists(spark, input);
        String fmt = format != null ? format.toLowerCase(Locale.ROOT) : guessFormat(input);
        Dataset<Row> df = switch (fmt) {
            case "parquet" -> spark.read().parquet(input);
            case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(input);
            case "libsvm" -> spark.read().format("libsvm").load(input);
            case "idx" -> {
                if (labels != null) {
                    requireExists(spark, labels);
                }
                yield IdxDataset.read(spark, input, labels, spark.sparkContext().defaultParallelism(), limit);
            }
            default -> throw new IllegalArgumentException("Unknown --format '" + fmt
                    + "': use parquet, csv, libsvm or idx.");
        };
        if (limit > 0) {
            df = df.limit(limit);
        }
        return withFeatures(df, featuresCol);
    }

    private Dataset<Row> withFeatures(Dataset<Row> df, String featuresCol) {
        boolean present = Arrays.asList(df.columns()).contains(featuresCol);
        if (inputCols == null && present) {
            return df;
        }
        List<String> cols = inputCols != null ? inputCols : numericColumns(df);
        if (cols.isEmpty()) {
            throw new IllegalArgumentException("The input has no column '" + featuresCol
                    + "' and no numeric columns to assemble; name them with --input-cols.");
        }
        for (String c : cols) {
            if (!Arrays.asList(df.columns()).contains(c)) {
                throw new IllegalArgumentException("--input-cols names '" + c + "', which the input lacks. Columns: "
                        + String.join(", ", df.columns()));
            }
        }
        if (present) {
            throw new IllegalArgumentException("The input already has a column '" + featuresCol
                    + "'; choose another --features-col to assemble --input-cols into.");
        }
        return new VectorAssembler().setInputCols(cols.toArray(new String[0])).setOutputCol(featuresCol)
                .setHandleInvalid("keep").transform(df);
    }

    private List<String> numericColumns(Dataset<Row> df) {
        List<String> cols = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.dataType() instanceof NumericType && !excludeCols.contains(f.name())) {
                cols.add(f.name());
            }
        }
        return cols;
    }

    static String guessFormat(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.contains("idx") && (p.endsWith("ubyte") || p.endsWith("ubyte.gz"))) {
            return "idx";
        }
        if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
            return "csv";
        }
        if (p.endsWith(".libsvm") || p.endsWith(".svm")) {
            return "libsvm";
        }
        return "parquet";
    }

    static void requireExists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
                throw new IllegalArgumentException("Input path '" + path + "' does not exist.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot check input path '" + path + "': " + e.getMessage(), e);
        }
    }
}
