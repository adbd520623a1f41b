package io.github.vaespark.blas;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses netlib's BLAS for this JVM before netlib's first use, on the driver and on every
 * executor: by default the OpenBLAS shipped in the jar (it recognises recent CPUs that older
 * system builds run with generic kernels), else the system's {@code libblas.so.3}, else netlib's
 * Java code; {@value BlasChoice#CONF_KEY} = {@code bundled | system | java} overrides. OpenBLAS
 * runs one thread: Spark already runs one task per core. Logs one line saying what is in use.
 *
 * <p>netlib reads its properties once per JVM, on the first {@code BLAS.getInstance()}: whatever
 * touches BLAS first decides, so the stages call {@link #ensureLoaded()} in their static
 * initialisers and executor code calls it before its first GEMM.
 */
public final class NativeBlas {
    /** netlib's property naming the native library file to load instead of {@code libblas.so.3}. */
    static final String NATIVE_LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
    /** netlib's property that, set to false, keeps it off native code. */
    static final String ALLOW_NATIVE = "dev.ludovic.netlib.blas.allowNative";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBlas.class);
    private static volatile String description;
    private static BlasChoice requested;

    private NativeBlas() {
    }

    /**
     * Chooses and loads the BLAS of this JVM once, as asked by {@value BlasChoice#CONF_KEY} in this
     * JVM's Spark conf ({@code SparkEnv}), else in the system property of that name, else bundled.
     * Cheap after the first call.
     *
     * @return what is in use, e.g. "bundled OpenBLAS 0.3.31 (core Cooperlake, 1 thread) via dev.ludovic.netlib.blas.JNIBLAS"
     */
    public static String ensureLoaded() {
        String done = description;
        return done != null ? done : ensureLoaded(confValue());
    }

    /**
     * Chooses and loads the BLAS of this JVM once, as {@code confValue} asks (see {@link BlasChoice#parse});
     * a later call asking for another choice only warns that the JVM's BLAS is already chosen.
     *
     * @return what is in use
     */
    public static synchronized String ensureLoaded(String confValue) {
        BlasChoice wanted = BlasChoice.parse(confValue);
        if (description != null) {
            if (wanted != requested) {
                LOG.warn("vae-spark BLAS: {}={} comes too late, this JVM already uses {}",
                        BlasChoice.CONF_KEY, wanted.confValue(), description);
            }
            return description;
        }
        requested = wanted;
        String bundledPath = prepare(wanted);
        String line = describe(wanted, bundledPath, BLAS.getInstance());
        LOG.info("vae-spark BLAS: {}", line);
        description = line;
        return line;
    }

    /**
     * As {@link #ensureLoaded()}, for static initialisers: a bad conf value is only logged here
     * (the next {@link #ensureLoaded(SparkConf)} throws for it) instead of failing class loading.
     */
    public static void ensureLoadedEarly() {
        try {
            ensureLoaded();
        } catch (IllegalArgumentException e) {
            LOG.warn("vae-spark BLAS: {}", e.getMessage());
        }
    }

    /**
     * As {@link #ensureLoaded(String)} with the value of {@value BlasChoice#CONF_KEY} in {@code conf},
     * else in the system property of that name: the driver calls it with its session's conf, so a
     * value that comes too late is reported.
     */
    public static String ensureLoaded(SparkConf conf) {
        return ensureLoaded(conf.contains(BlasChoice.CONF_KEY) ? conf.get(BlasChoice.CONF_KEY)
                : System.getProperty(BlasChoice.CONF_KEY));
    }

    /** This JVM's value of the conf (SparkEnv, else the system property), or null. */
    static String confValue() {
        SparkEnv env = SparkEnv.get();
        if (env != null && env.conf().contains(BlasChoice.CONF_KEY)) {
            return env.conf().get(BlasChoice.CONF_KEY);
        }
        return System.getProperty(BlasChoice.CONF_KEY);
    }

    /** Sets netlib's properties for the choice; returns the bundled library's path when it loaded. */
    private static String prepare(BlasChoice wanted) {
        if (wanted == BlasChoice.JAVA) {
            System.setProperty(ALLOW_NATIVE, "false");
            return null;
        }
        if (wanted != BlasChoice.BUNDLED) {
            return null;
        }
        try {
            String path = OpenBlasRuntime.loadBundled();
            OpenBlasRuntime.configure(1);
            System.setProperty(NATIVE_LIB_PATH, path);
            return path;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("vae-spark BLAS: the bundled OpenBLAS could not be loaded on {} {} ({}); falling back to the "
                    + "system BLAS, then Java", System.getProperty("os.name"), System.getProperty("os.arch"), e.toString());
            return null;
        }
    }

    private static String describe(BlasChoice wanted, String bundledPath, BLAS blas) {
        String via = " via " + blas.getClass().getName();
        List<String> mapped = MappedLibraries.current();
        if (!(blas instanceof NativeBLAS)) {
            if (wanted != BlasChoice.JAVA) {
                LOG.warn("vae-spark BLAS: no native BLAS could be loaded{}; GEMM runs in Java, several times slower",
                        bundledPath != null ? " (netlib was initialised before vae-spark chose the bundled OpenBLAS)" : "");
            }
            return "Java BLAS" + via;
        }
        if (wanted == BlasChoice.JAVA) {
            LOG.warn("vae-spark BLAS: {}=java comes too late: netlib was initialised natively before", BlasChoice.CONF_KEY);
        }
        if (bundledPath != null) {
            String dir = bundledPath.substring(0, bundledPath.lastIndexOf('/') + 1);
            List<String> others = mapped.stream().filter(p -> !p.startsWith(dir)).toList();
            if (others.isEmpty()) {
                OpenBlasRuntime.Info info = OpenBlasRuntime.configure(1);
                forcedCoreWarning(info.coreName(), CpuFeatures.current()).ifPresent(w -> LOG.warn("vae-spark BLAS: {}", w));
                return "bundled " + info.describe() + via;
            }
            LOG.warn("vae-spark BLAS: netlib was initialised before vae-spark chose the bundled OpenBLAS; it uses {}",
                    others);
            return "system BLAS " + others + via;
        }
        return describeSystem(mapped) + via;
    }

    /** The warning when the environment's OPENBLAS_CORETYPE forced kernels narrower than this CPU's vectors. */
    private static Optional<String> forcedCoreWarning(String coreName, CpuFeatures cpu) {
        return OpenBlasCores.forcedNarrower(coreName, System.getenv(OpenBlasCores.CORETYPE_VARIABLE), cpu);
    }

    /** The system BLAS netlib loaded; its OpenBLAS core type when it is OpenBLAS. */
    private static String describeSystem(List<String> mapped) {
        if (mapped.stream().noneMatch(p -> p.contains("openblas"))) {
            return "system BLAS " + mapped;
        }
        try {
            // bytedeco's bindings link to the first libopenblas.so.0 in the process: the system one netlib loaded.
            OpenBlasRuntime.Info info = OpenBlasRuntime.configure(1);
            // A forced core is named as the cause where there is one; else a generic core the library chose.
            CpuFeatures cpu = CpuFeatures.current();
            forcedCoreWarning(info.coreName(), cpu).or(() -> OpenBlasCores.mismatch(info.coreName(), cpu))
                    .ifPresent(w -> LOG.warn("vae-spark BLAS: {}", w));
            return "system " + info.describe() + " " + mapped;
        } catch (RuntimeException | LinkageError e) {
            return "system BLAS " + mapped + " (core type unknown: " + e + ")";
        }
    }
}
