package io.github.vaespark.bench;

import io.github.vaespark.blas.BlasChoice;
import io.github.vaespark.blas.CpuFeatures;
import io.github.vaespark.blas.MappedLibraries;
import io.github.vaespark.blas.NativeBlas;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One BLAS choice ({@code --blas bundled|system|java}) in this JVM, as {@code spark.vaespark.blas}
 * selects it, and its 1024³ sgemm speed on one thread through netlib: the best of three runs.
 * netlib reads its settings once per JVM, so each choice needs a JVM of its own
 * ({@code scripts/blas-bench.sh}). Prints one JSON line.
 */
public final class BlasBench {
    private BlasBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "blas", "bundled", "seconds", "2");
        double seconds = Double.parseDouble(a.get("seconds"));
        BlasChoice choice = BlasChoice.parse(a.get("blas"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("choice", choice.confValue());
        out.put("cpu", CpuFeatures.current().model());
        out.put("blas", NativeBlas.ensureLoaded(choice.confValue()));
        double best = 0;
        for (int run = 0; run < 3; run++) {
            best = Math.max(best, KernelBench.gemmGflops(1, seconds));
        }
        out.put("sgemm_1024_gflops_1_thread", best);
        out.put("native_blas_libraries", String.join(" ", MappedLibraries.current()));
        System.out.println(BenchArgs.json(out));
    }
}
