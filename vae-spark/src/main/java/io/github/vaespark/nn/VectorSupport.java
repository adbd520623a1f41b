package io.github.vaespark.nn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this JVM can run {@link VectorMath}: the {@code jdk.incubator.vector} module must be
 * present ({@code --add-modules=jdk.incubator.vector}). Checked here, in a class that does not
 * touch the Vector API, so that kernels fall back to scalar loops instead of failing to load.
 * {@code -Dvaespark.scalarKernels=true} forces the scalar loops.
 */
final class VectorSupport {
    private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);

    /** Whether the vectorised element-wise kernels are used in this JVM. */
    static final boolean AVAILABLE = check();

    private VectorSupport() {
    }

    private static boolean check() {
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = Boolean.getBoolean("vaespark.scalarKernels");
        LOG.info("vae-spark: element-wise kernels {}", present && !disabled ? "use the JDK Vector API"
                : "are scalar (" + (disabled ? "vaespark.scalarKernels is set" : "run the JVM with "
                + "--add-modules=jdk.incubator.vector for the vectorised ones") + ")");
        return present && !disabled;
    }
}
