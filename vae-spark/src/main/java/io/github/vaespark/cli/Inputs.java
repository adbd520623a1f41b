package io.github.vaespark.cli;

import io.github.vaespark.io.IdxDataset;
import io.github.vaespark.table.ColumnRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Option;

/**
 * Where the input rows come from and how the features column is made (a picocli mixin). A table
 * model reads its columns as they are; a vector model gets a features column, assembled from the
 * numeric columns when the input has none.
 */
final class Inputs {
    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "Input data: a Parquet file or directory, a CSV file with a header, a LIBSVM file, or an "
                    + "IDX image file (.gz allowed).")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "parquet, csv, libsvm or idx (default: guessed from the file name, or from the names of "
                    + "a directory's files).")
    String format;

    @Option(names = "--labels", paramLabel = "PATH",
            description = "IDX label file for --format idx; kept as column 'label'.")
    String labels;

    @Option(names = "--null-value", paramLabel = "TEXT", defaultValue = "NA",
            description = "CSV: the text that stands for a missing value; empty fields are missing too "
                    + "(default: ${DEFAULT-VALUE}).")
    String nullValue;

    @Option(names = "--exclude-cols", split = ",", paramLabel = "COL", defaultValue = "label,id,index",
            description = "Vector models: numeric columns not to assemble into the features vector when the "
                    + "input has no features column (default: ${DEFAULT-VALUE}).")
    List<String> excludeCols;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Use only the first N rows (0: all; default: ${DEFAULT-VALUE}).")
    int limit;

    /** The numeric columns the last {@link #read} assembled into the features vector, or null. */
    private List<String> assembled;

    /** The input as a DataFrame with a features column named {@code featuresCol} (for vector models). */
    Dataset<Row> read(SparkSession spark, String featuresCol) {
        return read(spark, featuresCol, null);
    }

    /**
     * As {@link #read(SparkSession, String)}, assembling exactly {@code modelColumns} in that order
     * when the input has no features column and they are given (the columns a model was trained
     * on, {@link ModelOptions#assembledColumns}): a missing one is an error naming it, and columns
     * in another order or extra ones do not change the vector.
     */
    Dataset<Row> read(SparkSession spark, String featuresCol, List<String> modelColumns) {
        Dataset<Row> df = load(spark);
        if (Arrays.asList(df.columns()).contains(featuresCol)) {
            assembled = null;
            return df;
        }
        List<String> cols = modelColumns;
        if (cols == null) {
            cols = numericColumns(df);
            if (cols.isEmpty()) {
                throw new IllegalArgumentException("The input has no column '" + featuresCol
                        + "' and no numeric columns to assemble; to model table columns name them with --input-cols.");
            }
        } else {
            requireColumns(df, cols, "The model (trained on the numeric columns " + String.join(", ", cols) + ")");
            for (String c : cols) {
                if (!(df.schema().apply(c).dataType() instanceof NumericType)) {
                    throw new IllegalArgumentException("Column '" + c + "' of " + input + " is "
                            + df.schema().apply(c).dataType().simpleString() + ", but the model was trained on it "
                            + "as a number (one of the numeric columns " + String.join(", ", cols) + ").");
                }
            }
        }
        assembled = List.copyOf(cols);
        return assemble(df, cols, featuresCol);
    }

    /** The numeric columns the last {@link #read} assembled into the features vector, in order, or null. */
    List<String> assembledColumns() {
        return assembled;
    }

    /**
     * The input as it is, for a table model of {@code tableCols}; fails naming {@code option} and
     * the first of them the input lacks.
     */
    Dataset<Row> readTable(SparkSession spark, List<String> tableCols, String option) {
        Dataset<Row> df = load(spark);
        requireColumns(df, tableCols, option);
        return df;
    }

    /** Fails naming {@code option}, the column and the input's columns when {@code df} lacks one of {@code cols}. */
    void requireColumns(Dataset<Row> df, List<String> cols, String option) {
        for (String c : cols) {
            if (!Arrays.asList(df.columns()).contains(c)) {
                throw new IllegalArgumentException(option + " names '" + c + "', which " + input
                        + " lacks. Columns: " + String.join(", ", df.columns()));
            }
        }
    }

    private Dataset<Row> load(SparkSession spark) {
        if (limit < 0) {
            throw new IllegalArgumentException(OptionChecks.outOfRange("--limit", limit, 0, "rows to use, 0 for all"));
        }
        requireExists(spark, input);
        String fmt = format != null ? format.toLowerCase(Locale.ROOT) : guessFormat(spark, input);
        Dataset<Row> df = switch (fmt) {
            case "parquet" -> spark.read().parquet(input);
            case "csv" -> spark.read().option("header", "true").option("inferSchema", "true")
                    .option("nullValue", nullValue).csv(input);
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
        if (limit > 0 && !fmt.equals("idx")) {
            // limit() leaves one partition, which would train on one task: spread the rows out again.
            int partitions = df.rdd().getNumPartitions();
            df = df.limit(limit).repartition(Math.max(1, partitions));
        }
        return df;
    }

    /** A Parquet file or a CSV file with a header (by its name), {@code nullValue} and empty CSV fields null. */
    static Dataset<Row> readTableFile(SparkSession spark, String path, String nullValue) {
        requireExists(spark, path);
        return guessFormat(spark, path).equals("csv")
                ? spark.read().option("header", "true").option("inferSchema", "true").option("nullValue", nullValue)
                        .csv(path)
                : spark.read().parquet(path);
    }

    private Dataset<Row> assemble(Dataset<Row> df, List<String> cols, String featuresCol) {
        // VectorAssembler reads its inputs by parsed name ("body.mass" would be a struct's field), so it
        // assembles copies under plain names, which are dropped again.
        List<Column> selected = new ArrayList<>();
        for (String c : df.columns()) {
            selected.add(ColumnRef.of(c));
        }
        String[] plain = new String[cols.size()];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = "__vae_assembled_" + i;
            selected.add(ColumnRef.of(cols.get(i)).as(plain[i]));
        }
        return new VectorAssembler().setInputCols(plain).setOutputCol(featuresCol).setHandleInvalid("keep")
                .transform(df.select(selected.toArray(new Column[0]))).drop(plain);
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

    /**
     * As {@link #guessFormat(String)}, and for a directory whose name says nothing (a Spark output
     * such as {@code data/} holding {@code part-*.csv} files), by the names of its data files: csv
     * or libsvm when they all say so, else parquet.
     */
    static String guessFormat(SparkSession spark, String path) {
        String byName = guessFormat(path);
        if (!byName.equals("parquet")) {
            return byName;
        }
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.getFileStatus(p).isDirectory()) {
                return byName;
            }
            String common = null;
            for (FileStatus f : fs.listStatus(p)) {
                String name = f.getPath().getName();
                if (f.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
                    continue;  // _SUCCESS, .crc files, partition sub-directories
                }
                String guess = guessFormat(name);
                if (guess.equals("idx") || (common != null && !common.equals(guess))) {
                    return byName;
                }
                common = guess;
            }
            return common == null ? byName : common;
        } catch (IOException e) {
            return byName;  // the reader will say what is wrong with the path
        }
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
