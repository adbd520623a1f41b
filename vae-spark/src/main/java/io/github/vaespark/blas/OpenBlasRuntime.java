package io.github.vaespark.blas;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The OpenBLAS shipped in the jar (org.bytedeco:openblas) and bytedeco's API to whichever OpenBLAS
 * is in the process. Every use of javacpp is in this class, so a missing or foreign platform shows
 * up as one {@link LinkageError} or exception from here.
 */
final class OpenBlasRuntime {
    private OpenBlasRuntime() {
    }

    /** What an OpenBLAS says about itself. */
    record Info(String version, String coreName, int threads) {
        /** "OpenBLAS 0.3.31 (core Haswell, 1 thread)". */
        String describe() {
            return "OpenBLAS " + version + " (core " + coreName + ", " + threads + (threads == 1 ? " thread)" : " threads)");
        }
    }

    /**
     * Extracts the bundled OpenBLAS to javacpp's cache (once per machine and version), loads it,
     * and returns the path of its {@code libopenblas.so.0}.
     */
    static String loadBundled() {
        Loader.load(openblas_full.class);
        String path = Loader.getLoadedLibraries().get("openblas@.0");
        if (path == null) {
            throw new IllegalStateException("javacpp loaded the OpenBLAS bindings but no libopenblas.so.0 from the jar");
        }
        return path;
    }

    /**
     * Sets the thread count of the OpenBLAS that the bindings are linked to (the first
     * {@code libopenblas.so.0} loaded into the process) and reports its version and core type.
     */
    static Info configure(int threads) {
        Loader.load(openblas_full.class);
        openblas_full.openblas_set_num_threads(threads);
        String config = openblas_full.openblas_get_config().getString();
        String[] words = config.split("\\s+");
        String version = words.length > 1 && words[0].equals("OpenBLAS") ? words[1] : config;
        return new Info(version, openblas_full.openblas_get_corename().getString(), openblas_full.openblas_get_num_threads());
    }
}
