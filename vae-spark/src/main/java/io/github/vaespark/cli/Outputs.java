package io.github.vaespark.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Writing small text files on the job's file system. */
final class Outputs {
    private Outputs() {
    }

    /** Writes {@code text} to {@code path} (any Hadoop file system), replacing it when {@code overwrite}. */
    static void writeText(SparkSession spark, String path, String text, boolean overwrite) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs instanceof ChecksumFileSystem checksummed) {
                // The local file system would leave a hidden ".<name>.crc" beside the user's file; write
                // the file alone (and drop a checksum an older write left, which would no longer match).
                if (!overwrite && fs.exists(p)) {
                    throw new IOException(path + " already exists");
                }
                fs.delete(checksummed.getChecksumFile(p), false);
                fs = checksummed.getRawFileSystem();
            }
            try (FSDataOutputStream out = fs.create(p, overwrite)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fails, naming the first of {@code paths} where something already exists and what to do
     * ({@code remedy}): for outputs written only after long work.
     */
    static void refuseExisting(SparkSession spark, String remedy, String... paths) {
        for (String path : paths) {
            try {
                Path p = new Path(path);
                if (p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
                    throw new IllegalArgumentException(path + " already exists: give " + remedy + ".");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot check " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** The training-history file written next to a model directory. */
    static String historyPath(String modelPath) {
        String trimmed = modelPath.endsWith("/") ? modelPath.substring(0, modelPath.length() - 1) : modelPath;
        return trimmed + ".history.json";
    }
}
