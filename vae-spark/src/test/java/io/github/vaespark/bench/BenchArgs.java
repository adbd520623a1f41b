package io.github.vaespark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.io.IdxDataset;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Argument and output helpers shared by the benchmark programs. */
final class BenchArgs {
    private BenchArgs() {
    }

    /** Parses {@code --key value} pairs over the defaults (key, value, key, value…); unknown keys are an error. */
    static Map<String, String> parse(String[] argv, String... keyValues) {
        Map<String, String> defaults = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            defaults.put(keyValues[i], keyValues[i + 1]);
        }
        Map<String, String> out = new HashMap<>(defaults);
        for (int i = 0; i < argv.length; i += 2) {
            String key = argv[i].replaceFirst("^--", "");
            if (!defaults.containsKey(key) || i + 1 >= argv.length) {
                throw new IllegalArgumentException("Unknown or incomplete option " + argv[i] + "; known: "
                        + defaults.keySet());
            }
            out.put(key, argv[i + 1]);
        }
        return out;
    }

    /**
     * A quiet SparkSession on {@code master} (UI off, driver on 127.0.0.1) with extra settings given
     * as "key=value,key=value"; {@code spark.plugins} defaults to the warm-up plugin, as in the
     * command-line job ("spark.plugins=" turns it off).
     */
    static SparkSession session(String master, String appName, String conf) {
        // The default first: a "spark.plugins=..." in conf replaces it.
        SparkSession.Builder builder = SparkSession.builder().config("spark.plugins",
                io.github.vaespark.ml.WarmUpPlugin.NAME);
        for (String kv : conf.split(",")) {
            if (kv.contains("=")) {
                builder = builder.config(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        SparkSession spark = builder.master(master).appName(appName).config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }

    /** The session's spark.plugins ("" when none), for the benchmarks' output. */
    static String plugins(SparkSession spark) {
        return spark.conf().get("spark.plugins", "");
    }

    /** The Fashion-MNIST IDX files of {@code dir} ("train" or "t10k" images and labels), cached. */
    static Dataset<Row> fashionMnist(SparkSession spark, String dir, String set, int limit) {
        return IdxDataset.read(spark, dir + "/" + set + "-images-idx3-ubyte.gz", dir + "/" + set + "-labels-idx1-ubyte.gz",
                spark.sparkContext().defaultParallelism(), limit).cache();
    }

    static String json(Map<String, Object> values) throws Exception {
        return new ObjectMapper().writeValueAsString(values);
    }
}
