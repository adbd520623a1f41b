package io.github.vaespark.blas;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM can run bfloat16 GEMM through oneDNN (the bundled {@code org.bytedeco:dnnl}):
 * decided once, on first use, from the platform (Linux x86-64, the only natives bundled), the CPU
 * flags ({@code avx512_bf16} or {@code amx_bf16}; without them oneDNN would emulate bf16, slower
 * than float32) and whether oneDNN loads. Logs the outcome once: at INFO the oneDNN version and the
 * instruction set it dispatches to, at WARN why bfloat16 runs the float32 GEMM instead.
 *
 * <p>oneDNN's CPU runtime is OpenMP, whose thread count is {@code OMP_NUM_THREADS}, read once when
 * the library loads. A Spark task is one core, so it should be 1 (the scripts and the test JVMs set
 * it; on a cluster set {@code spark.executorEnv.OMP_NUM_THREADS=1}); the INFO line says what it is.
 */
public final class OneDnn {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static final AtomicBoolean PREPARING = new AtomicBoolean();

    private OneDnn() {
    }

    /** The outcome of the one-time check; {@code engine} is null when unavailable. */
    private record State(engine engine, String description) {
    }

    private static final class Holder {
        static final State STATE = detect();
    }

    /** True when bfloat16 GEMM runs natively here (checked and logged once per JVM). */
    public static boolean bf16Available() {
        return Holder.STATE.engine() != null;
    }

    /**
     * Starts the one-time check, and with it loading oneDNN and its first primitive (together about
     * 0.3 s on a 2-core EPYC), on a daemon thread and returns at once, so that a bfloat16 fit pays for
     * them while its data are cached rather than in its first step. Idempotent; the first caller of
     * {@link #bf16Available()} still waits for the outcome.
     */
    public static void prepareInBackground() {
        if (!PREPARING.compareAndSet(false, true)) {
            return;
        }
        Thread loader = new Thread(() -> {
            try {
                if (bf16Available()) {
                    float[] one = {1f};
                    Bf16Gemm.gemm(false, false, 1, 1, 1, one, 0, 1, one, 0, 1, 0, new float[1], 0, 1);
                }
            } catch (RuntimeException e) {
                LOG.debug("vae-spark bfloat16: the early oneDNN call failed; the first GEMM will report it", e);
            }
        }, "vae-spark-onednn-load");
        loader.setDaemon(true);
        loader.start();
    }

    /**
     * True when the platform and CPU flags allow native bfloat16 (oneDNN is not loaded for this, so
     * it can still fail to load: {@link #bf16Available()} has the last word). Cheap; never blocks.
     */
    public static boolean platformSupportsBf16() {
        return Platform.UNSUPPORTED_REASON == null;
    }

    /** {@link #unsupportedReason} for this JVM's platform and CPU, read once. */
    private static final class Platform {
        static final String UNSUPPORTED_REASON = unsupportedReason(System.getProperty("os.name") + " "
                + System.getProperty("os.arch"), CpuFeatures.current());
    }

    /** What the check found: the version and ISA, or why bfloat16 falls back to float32. */
    public static String description() {
        return Holder.STATE.description();
    }

    /** The CPU engine; only when {@link #bf16Available()}. */
    static engine engine() {
        engine e = Holder.STATE.engine();
        if (e == null) {
            throw new IllegalStateException("oneDNN bfloat16 is unavailable: " + description());
        }
        return e;
    }

    private static State detect() {
        String reason = Platform.UNSUPPORTED_REASON;
        if (reason != null) {
            return unavailable(reason);
        }
        try {
            Loader.load(dnnl.class);
            engine cpu = new engine(engine.kind.cpu, 0);
            dnnl_version_t v = dnnl.dnnl_version();
            String isa = dnnl.get_effective_cpu_isa().toString();
            String description = "oneDNN " + v.major() + "." + v.minor() + "." + v.patch() + ", effective ISA " + isa
                    + ", OMP_NUM_THREADS=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset: one per core)");
            LOG.info("vae-spark bfloat16: GEMM through {}", description);
            return new State(cpu, description);
        } catch (RuntimeException | UnsatisfiedLinkError | NoClassDefFoundError e) {
            return unavailable("oneDNN could not be loaded (" + e + ")");
        }
    }

    private static State unavailable(String reason) {
        String description = reason + "; precision=bfloat16 runs the float32 GEMM";
        LOG.warn("vae-spark bfloat16: {}", description);
        return new State(null, description);
    }

    /**
     * Why bfloat16 cannot run natively on this platform ("os.name os.arch") and CPU, or null when it
     * can as far as these tell (oneDNN must still load).
     */
    static String unsupportedReason(String platform, CpuFeatures cpu) {
        if (!platform.equals("Linux amd64")) {
            return "oneDNN natives are bundled for Linux x86-64 only, not " + platform;
        }
        if (!cpu.flags().contains("avx512_bf16") && !cpu.flags().contains("amx_bf16")) {
            return "CPU " + cpu.model() + " has neither avx512_bf16 nor amx_bf16";
        }
        return null;
    }
}
