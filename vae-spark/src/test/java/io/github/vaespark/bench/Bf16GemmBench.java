package io.github.vaespark.bench;

import dev.ludovic.netlib.blas.BLAS;
import io.github.vaespark.blas.CpuFeatures;
import io.github.vaespark.blas.NativeBlas;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.openblas.global.openblas_full;

/**
 * Issue 17 spike: float32 sgemm against oneDNN bf16 GEMM for the VAE's shapes (784-512-256-40 at
 * batch 1024, forward NN, data gradient TN, weight gradient NT, plus 1024³), in GFLOP/s, medians
 * of alternating repetitions:
 * <ol type="a">
 *   <li>sgemm through the project's BLAS (netlib over the bundled OpenBLAS) on float[];</li>
 *   <li>oneDNN f32 matmul, operands already in native memory;</li>
 *   <li>oneDNN bf16 × bf16 → f32 matmul, operands already bf16 in native memory;</li>
 *   <li>(c) plus the Java float32 → bf16 conversion (round to nearest even) of A and B per call;</li>
 *   <li>(d) plus copying C between float[] and native memory (in only when accumulating), i.e. all
 *       that a {@code Kernels.gemm} on float[] would pay;</li>
 *   <li>oneDNN matmul on float32 operands in native memory with fpmath_mode bf16, which allows it
 *       to round them to bf16 itself (oneDNN 3.11 on avx512_core_bf16 without AMX does not: see the
 *       implementation column);</li>
 *   <li>(f) plus copying A, B and C between float[] and native memory (C in only when accumulating);</li>
 *   <li>(e) with the conversion done natively: A and B copied as floats into native memory and
 *       rounded to bf16 by oneDNN reorders.</li>
 * </ol>
 * oneDNN's OpenMP reads its thread count once per process, so each thread count runs in a child JVM
 * with {@code OMP_NUM_THREADS} (and OpenBLAS) set to it; the Java conversion stays on one thread.
 * Options: --threads 1,2 --reps 9 --ms 60 (per sample).
 */
public final class Bf16GemmBench {
    private static final int BATCH = 1024;
    private static final String[] VARIANTS = {"a_sgemm", "b_dnnl_f32", "c_dnnl_bf16", "d_bf16_conv", "e_bf16_conv_copy",
        "f_f32_as_bf16", "g_f32_as_bf16_copy", "h_bf16_native_conv_copy"};
    private static final String[] HEADINGS = {"a sgemm", "b dnnlf32", "c bf16", "d +conv", "e +copyC", "f f32bf16m",
        "g +copies", "h natconv"};

    private Bf16GemmBench() {
    }

    /** One GEMM of the VAE: C (m×n) = op(A)·op(B) [+ C], column-major. */
    record Shape(String name, boolean transA, boolean transB, int m, int n, int k, boolean accumulate) {
        double gflop() {
            return 2.0 * m * n * k / 1e9;
        }
    }

    static List<Shape> shapes() {
        List<Shape> out = new ArrayList<>();
        int[][] layers = {{512, 784}, {256, 512}, {40, 256}};
        for (int[] l : layers) {
            int o = l[0];
            int i = l[1];
            out.add(new Shape("fwd " + o + "x" + i + "·" + i + "x" + BATCH, false, false, o, BATCH, i, true));
            out.add(new Shape("dX  " + i + "x" + o + "ᵀ·" + o + "x" + BATCH, true, false, i, BATCH, o, false));
            out.add(new Shape("dW  " + o + "x" + BATCH + "·" + i + "x" + BATCH + "ᵀ", false, true, o, i, BATCH, true));
        }
        out.add(new Shape("1024³", false, false, 1024, 1024, 1024, false));
        return out;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "threads", "1,2", "reps", "9", "ms", "60", "child", "");
        if (!a.get("child").isEmpty()) {
            child(Integer.parseInt(a.get("child")), Integer.parseInt(a.get("reps")), Double.parseDouble(a.get("ms")));
            return;
        }
        CpuFeatures cpu = CpuFeatures.current();
        System.out.println("cpu: " + cpu.model() + " (" + Runtime.getRuntime().availableProcessors() + " cores; bf16 flags:"
                + (cpu.flags().contains("avx512_bf16") ? " avx512_bf16" : "") + (cpu.flags().contains("amx_bf16") ? " amx_bf16" : "")
                + (cpu.flags().contains("avx512_bf16") || cpu.flags().contains("amx_bf16") ? "" : " none") + ")");
        boolean first = true;
        for (String t : a.get("threads").split(",")) {
            runChild(Integer.parseInt(t.trim()), a.get("reps"), a.get("ms"), first);
            first = false;
        }
    }

    private static void runChild(int threads, String reps, String ms, boolean showInfo) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Bf16GemmBench.class.getName(),
                "--child", String.valueOf(threads), "--reps", reps, "--ms", ms));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        pb.environment().remove("ONEDNN_VERBOSE");
        pb.environment().remove("DNNL_VERBOSE");
        Process p = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                boolean verbose = line.startsWith("onednn_verbose");
                if (!verbose || (showInfo && line.contains(",info,"))) {
                    System.out.println(line);
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the " + threads + "-thread child JVM exited with " + p.exitValue());
        }
    }

    private static void child(int threads, int reps, double sampleMs) throws Exception {
        String blas = NativeBlas.ensureLoaded();
        openblas_full.openblas_set_num_threads(threads);
        System.out.println("== " + threads + " thread(s): OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")
                + ", OpenBLAS threads " + openblas_full.openblas_get_num_threads() + " (set after loading); BLAS as loaded: "
                + blas + "; OPENBLAS_CORETYPE=" + System.getenv().getOrDefault("OPENBLAS_CORETYPE", "(unset)"));
        dnnl.dnnl_set_verbose(1);  // the info lines (isa, runtime) and the first executions' implementations
        System.out.println("oneDNN " + OneDnnMatmul.version() + ", effective ISA " + OneDnnMatmul.effectiveIsa());
        System.out.printf("Java float32 -> bf16 conversion (one thread, 1M floats): %.2f G floats/s%n", conversionRate());
        System.out.println("loadavg at start: " + loadAverage());
        StringBuilder heading = new StringBuilder(String.format("%-26s", "shape (GFLOP/s, median)"));
        for (String h : HEADINGS) {
            heading.append(String.format(" %9s", h));
        }
        System.out.println(heading + "   c/a   d/a   e/a   f/a   g/a   h/a  oneDNN f32 | bf16 | f32-as-bf16 impl");
        for (Shape s : shapes()) {
            Map<String, Object> row = measure(s, threads, reps, sampleMs);
            dnnl.dnnl_set_verbose(0);
            double[] g = (double[]) row.remove("gflops");
            StringBuilder line = new StringBuilder(String.format("%-26s", s.name()));
            for (double x : g) {
                line.append(String.format(" %9.1f", x));
            }
            for (int v = 2; v < g.length; v++) {
                line.append(String.format(" %5.2f", g[v] / g[0]));
            }
            System.out.println(line + "  " + row.get("impl_f32") + " | " + row.get("impl_bf16") + " | " + row.get("impl_f32_as_bf16"));
            System.out.println(BenchArgs.json(row));
        }
        System.out.println("loadavg at end: " + loadAverage());
        System.out.flush();
    }

    private static Map<String, Object> measure(Shape s, int threads, int reps, double sampleMs) {
        Random random = new Random(17);
        float[] a = gaussians(random, s.m() * s.k());
        float[] b = gaussians(random, s.k() * s.n());
        float[] c = gaussians(random, s.m() * s.n());
        int lda = s.transA() ? s.k() : s.m();
        int ldb = s.transB() ? s.n() : s.k();
        float beta = s.accumulate() ? 1f : 0f;
        BLAS blas = BLAS.getInstance();
        try (OneDnnMatmul f32 = new OneDnnMatmul(OneDnnMatmul.Inputs.F32, s.transA(), s.transB(), s.m(), s.n(), s.k(),
                s.accumulate());
             OneDnnMatmul bf16 = new OneDnnMatmul(OneDnnMatmul.Inputs.BF16, s.transA(), s.transB(), s.m(), s.n(), s.k(),
                     s.accumulate());
             OneDnnMatmul f32AsBf16 = new OneDnnMatmul(OneDnnMatmul.Inputs.F32_AS_BF16, s.transA(), s.transB(), s.m(), s.n(),
                     s.k(), s.accumulate())) {
            f32.loadA(a, 0);
            f32.loadB(b, 0);
            f32.loadC(c, 0);
            bf16.loadA(a, 0);
            bf16.loadB(b, 0);
            bf16.loadC(c, 0);
            f32AsBf16.loadA(a, 0);
            f32AsBf16.loadB(b, 0);
            f32AsBf16.loadC(c, 0);
            Runnable[] runs = {
                () -> blas.sgemm(s.transA() ? "T" : "N", s.transB() ? "T" : "N", s.m(), s.n(), s.k(), 1f,
                        a, 0, lda, b, 0, ldb, beta, c, 0, s.m()),
                f32::execute,
                bf16::execute,
                () -> {
                    bf16.loadA(a, 0);
                    bf16.loadB(b, 0);
                    bf16.execute();
                },
                () -> {
                    if (s.accumulate()) {
                        bf16.loadC(c, 0);
                    }
                    bf16.loadA(a, 0);
                    bf16.loadB(b, 0);
                    bf16.execute();
                    bf16.storeC(c, 0);
                },
                f32AsBf16::execute,
                () -> {
                    if (s.accumulate()) {
                        f32AsBf16.loadC(c, 0);
                    }
                    f32AsBf16.loadA(a, 0);
                    f32AsBf16.loadB(b, 0);
                    f32AsBf16.execute();
                    f32AsBf16.storeC(c, 0);
                },
                () -> {
                    if (s.accumulate()) {
                        bf16.loadC(c, 0);
                    }
                    bf16.loadConvertingNatively(a, 0, b, 0);
                    bf16.execute();
                    bf16.storeC(c, 0);
                },
            };
            int[] iterations = new int[runs.length];
            for (int v = 0; v < runs.length; v++) {
                iterations[v] = calibrate(runs[v], sampleMs);
            }
            double[][] samples = new double[runs.length][reps];
            for (int r = 0; r < reps; r++) {
                for (int i = 0; i < runs.length; i++) {
                    int v = (r + i) % runs.length;  // rotate who goes first, so no variant always follows another
                    long t0 = System.nanoTime();
                    for (int it = 0; it < iterations[v]; it++) {
                        runs[v].run();
                    }
                    samples[v][r] = s.gflop() * iterations[v] / ((System.nanoTime() - t0) / 1e9);
                }
            }
            double[] medians = new double[runs.length];
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("threads", threads);
            row.put("shape", s.name());
            row.put("m", s.m());
            row.put("n", s.n());
            row.put("k", s.k());
            row.put("trans", (s.transA() ? "T" : "N") + (s.transB() ? "T" : "N"));
            row.put("beta", beta);
            for (int v = 0; v < runs.length; v++) {
                medians[v] = median(samples[v]);
                row.put(VARIANTS[v] + "_gflops", Math.round(medians[v] * 10) / 10.0);
                row.put(VARIANTS[v] + "_spread", Math.round(spread(samples[v]) * 1000) / 1000.0);
            }
            row.put("impl_f32", f32.implementation());
            row.put("impl_bf16", bf16.implementation());
            row.put("impl_f32_as_bf16", f32AsBf16.implementation());
            row.put("gflops", medians);
            return row;
        }
    }

    /** Java float32 → bf16 conversions per second (billions), the median of 9 runs over 1M floats. */
    private static double conversionRate() {
        float[] x = gaussians(new Random(1), 1 << 20);
        short[] out = new short[x.length];
        double[] rates = new double[9];
        for (int warm = 0; warm < 200; warm++) {
            Bfloat16.fromFloats(x, 0, out, x.length);
        }
        for (int r = 0; r < rates.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                Bfloat16.fromFloats(x, 0, out, x.length);
            }
            rates[r] = 20.0 * x.length / (System.nanoTime() - t0);
        }
        return median(rates);
    }

    /** Iterations making one sample last about {@code sampleMs}, after warming the code up. */
    private static int calibrate(Runnable run, double sampleMs) {
        long deadline = System.nanoTime() + 300_000_000L;
        int count = 0;
        long t0 = System.nanoTime();
        do {
            run.run();
            count++;
        } while (System.nanoTime() < deadline || count < 3);
        double perCallMs = (System.nanoTime() - t0) / 1e6 / count;
        return Math.max(1, (int) Math.round(sampleMs / perCallMs));
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** (max − min) / median: how much the repetitions disagree. */
    private static double spread(double[] x) {
        return (Arrays.stream(x).max().orElse(0) - Arrays.stream(x).min().orElse(0)) / median(x);
    }

    private static float[] gaussians(Random random, int length) {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = (float) (random.nextGaussian() * 0.05);
        }
        return out;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
