package io.github.vaespark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession shared by all tests of a test JVM: local[2] (or the master in the system
 * property {@code vae.test.master}), UI off, few shuffle partitions.
 */
public final class SparkTestSession {
    private static SparkSession session;

    private SparkTestSession() {
    }

    /** The shared session, created on first use and stopped when the JVM exits. */
    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master(System.getProperty("vae.test.master", "local[2]"))
                    .appName("vae-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    /** The Java view of the shared context. */
    public static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(get().sparkContext());
    }
}
