package io.github.vaespark.bench;

import breeze.linalg.DenseMatrix;
import dev.ludovic.netlib.blas.BLAS;
import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Float32Kernels;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The math kernel alone, without Spark: float32 GEMM ceiling of this machine (one thread, and one
 * thread per core running at once), and forward+backward of the Fashion-MNIST VAE on one chunk
 * (with {@code --kernel-threads N}, also the same chunk on N threads at once, each thread's time).
 * Prints one JSON line.
 */
public final class KernelBench {
    private KernelBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "rows", "512", "threads", "2", "seconds", "3",
                "precision", "float32", "kernel-threads", "1");
        int rows = Integer.parseInt(a.get("rows"));
        int threads = Integer.parseInt(a.get("threads"));
        double seconds = Double.parseDouble(a.get("seconds"));
        Map<String, Object> out = new LinkedHashMap<>();
        String blasLine = NativeBlas.ensureLoaded();  // before netlib's first use, as the stages do
        out.put("blas", BLAS.getInstance().getClass().getSimpleName());
        out.put("blas_library", blasLine);
        out.put("sgemm_1024_gflops_1_thread", gemmGflops(1, seconds));
        out.put("native_blas_libraries", nativeBlasLibraries());
        // The ceiling is the best of three runs: on a shared machine a single run may catch a slow moment.
        double best = 0;
        for (int run = 0; run < 3; run++) {
            best = Math.max(best, gemmGflops(threads, seconds));
        }
        out.put("sgemm_1024_gflops_" + threads + "_threads", best);
        VaeLayout layout = new VaeLayout(784, new int[] {512, 256}, 20, new int[] {256, 512}, Activation.RELU,
                Likelihood.BERNOULLI);
        Kernels<float[]> kernels = "bfloat16".equals(a.get("precision"))
                ? io.github.vaespark.nn.Bfloat16Kernels.INSTANCE : Float32Kernels.INSTANCE;
        out.put("precision", kernels.precision().toString());
        double ms = stepMillis(layout, kernels, rows, seconds);
        long macs = 3 * layout.forwardMultiplyAdds() - 784L * 512;
        out.put("rows_per_chunk", rows);
        out.put("forward_backward_ms", ms);
        out.put("forward_backward_gflops_1_thread", 2.0 * macs * rows / (ms / 1000) / 1e9);
        int kernelThreads = Integer.parseInt(a.get("kernel-threads"));
        if (kernelThreads > 1) {
            // The same chunk on several threads at once, as the tasks of one executor compute a step.
            double[] each = new double[kernelThreads];
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < kernelThreads; t++) {
                int id = t;
                Thread w = new Thread(() -> each[id] = stepMillis(layout, kernels, rows, seconds));
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            out.put("forward_backward_ms_" + kernelThreads + "_threads_at_once", java.util.Arrays.toString(each));
        }
        System.out.println(BenchArgs.json(out));
    }

    /** The BLAS shared libraries mapped into this process (after a GEMM has run), from /proc/self/maps. */
    static String nativeBlasLibraries() {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.contains("blas"))
                    .distinct().sorted().collect(java.util.stream.Collectors.joining(" "));
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Aggregate GFLOP/s of {@code threads} threads each multiplying 1024×1024 float matrices. */
    static double gemmGflops(int threads, double seconds) throws InterruptedException {
        int n = 1024;
        List<Thread> workers = new ArrayList<>();
        long[] counts = new long[threads];
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                float[] x = new float[n * n];
                float[] y = new float[n * n];
                float[] z = new float[n * n];
                SplittableRandom r = new SplittableRandom(id);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian();
                    y[i] = (float) r.nextGaussian();
                }
                BLAS.getInstance().sgemm("N", "N", n, n, n, 1f, x, n, y, n, 0f, z, n);
                while (System.nanoTime() < end) {
                    BLAS.getInstance().sgemm("N", "N", n, n, n, 1f, x, n, y, n, 0f, z, n);
                    counts[id]++;
                }
            });
            workers.add(w);
            w.start();
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return 2.0 * n * n * n * total / elapsed / 1e9;
    }

    static double stepMillis(VaeLayout layout, Kernels<float[]> k, int rows, double seconds) {
        VaeNetwork<float[]> net = new VaeNetwork<>(layout, k);
        Workspace<float[]> ws = net.newWorkspace(rows);
        float[] params = k.fromDoubles(ParameterInit.initialize(layout, 1));
        float[] grad = k.allocate(layout.numParams());
        DenseMatrix<?> x = ws.input(rows);
        SplittableRandom r = new SplittableRandom(2);
        double[] col = new double[layout.inputDim()];
        double[] eps = new double[layout.latentDim()];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < col.length; i++) {
                col[i] = r.nextDouble() < 0.5 ? 0 : r.nextDouble();
            }
            k.setColumn(x, j, col);
            for (int i = 0; i < eps.length; i++) {
                eps[i] = r.nextGaussian();
            }
            k.setColumn(ws.epsilon(rows), j, eps);
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        for (int i = 0; i < 5; i++) {
            net.accumulateGradient(params, x, ws, 1.0, grad);
        }
        long start = System.nanoTime();
        while (System.nanoTime() < end || calls < 5) {
            net.accumulateGradient(params, x, ws, 1.0, grad);
            calls++;
        }
        return (System.nanoTime() - start) / 1e6 / calls;
    }
}
