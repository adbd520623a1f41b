package io.github.vaespark.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** How the job's SparkSession is made (a picocli mixin shared by every command). */
final class SessionOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not run by spark-submit (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Extra Spark configuration; may be repeated.")
    List<String> conf = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "Spark INFO logs and full stack traces on errors.")
    boolean verbose;

    /** A session with the job's defaults; settings given by spark-submit or --conf win. */
    SparkSession create(String appName) {
        SparkConf existing = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (!existing.contains("spark.master")) {
            builder.master("local[*]");
        }
        // A multi-MiB gradient per partition and step should travel with the task result.
        defaultTo(builder, existing, "spark.task.maxDirectResultSize", "64m");
        // Float weights hardly compress; compressing each step's broadcast only costs time.
        defaultTo(builder, existing, "spark.broadcast.compress", "false");
        defaultTo(builder, existing, "spark.ui.showConsoleProgress", "false");
        // The driver and executors load the native libraries and compile the training code at start.
        defaultTo(builder, existing, "spark.plugins", io.github.vaespark.ml.WarmUpPlugin.NAME);
        // The console shows the job's own progress and Spark's warnings, not Spark's INFO stream.
        if (verbose) {
            builder.config("spark.log.level", "INFO");
        } else {
            defaultTo(builder, existing, "spark.log.level", "WARN");
        }
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf expects KEY=VALUE but got '" + kv + "'");
            }
            builder.config(kv.substring(0, eq), kv.substring(eq + 1));
        }
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel(verbose ? "INFO" : "WARN");
        return spark;
    }

    private void defaultTo(SparkSession.Builder builder, SparkConf existing, String key, String value) {
        boolean given = existing.contains(key) || conf.stream().anyMatch(kv -> kv.startsWith(key + "="));
        if (!given) {
            builder.config(key, value);
        }
    }
}
