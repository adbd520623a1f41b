package io.github.vaespark.blas;

import java.util.Locale;

/**
 * Whether this JVM runs code written with the JDK's Vector API ({@code jdk.incubator.vector}):
 * an incubator module, there when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector}, as {@code spark-submit} and Spark's workers start
 * every driver and executor JVM. Only on x86-64, where the JIT compiles it to AVX2/AVX-512
 * (including exp and log); {@code -Dspark.vaespark.simd=false} turns it off. Callers keep a
 * scalar path for when it is not used.
 */
public final class VectorApi {
    private static final String UNAVAILABLE = unavailableReason();

    private VectorApi() {
    }

    /** True when the Vector API code paths should run in this JVM. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why the Vector API is not used here, or null when it is (for logs). */
    public static String unavailableReason() {
        if ("false".equalsIgnoreCase(System.getProperty("spark.vaespark.simd"))) {
            return "-Dspark.vaespark.simd=false";
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            // The JDK's vectorised exp and log (its SVML stubs) are x86-64 only; elsewhere the
            // Vector API computes them lane by lane, slower than scalar loops.
            return "no vectorised exp on " + arch;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "start the JVM with --add-modules=jdk.incubator.vector, as spark-submit does";
        }
        return null;
    }
}
