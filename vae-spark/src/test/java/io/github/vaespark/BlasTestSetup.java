package io.github.vaespark;

import io.github.vaespark.blas.NativeBlas;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Chooses the test JVM's BLAS (the bundled OpenBLAS, unless {@code spark.vaespark.blas} says
 * otherwise) before any test runs, as the stages do on a driver: netlib reads its settings once
 * per JVM, and a kernel test touching BLAS first would otherwise get the system library.
 * Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class BlasTestSetup implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBlas.ensureLoaded();
    }
}
