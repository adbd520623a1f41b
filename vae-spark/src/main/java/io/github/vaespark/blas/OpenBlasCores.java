package io.github.vaespark.blas;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What OpenBLAS's core name ({@code openblas_get_corename()}) says about the kernels in use: an
 * OpenBLAS too old for a CPU falls back to a generic x86 core (Debian's 0.3.21 reports
 * {@code Prescott} on recent Xeons) and runs GEMM several times slower.
 */
public final class OpenBlasCores {
    /** x86 core types whose kernels use neither AVX2 nor AVX-512 (lower case). */
    private static final Set<String> GENERIC = Set.of("generic", "katmai", "coppermine", "northwood", "prescott",
            "banias", "core2", "penryn", "dunnington", "nehalem", "atom", "sandybridge", "opteron",
            "opteron_sse3", "barcelona", "bobcat", "bulldozer", "piledriver", "steamroller", "nano");

    private OpenBlasCores() {
    }

    /** True when the core type runs kernels without AVX2 (case-insensitive). */
    public static boolean isGeneric(String coreName) {
        return coreName != null && GENERIC.contains(coreName.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * A warning when the core type leaves the CPU's AVX2 or AVX-512 units unused, naming the cure;
     * empty when the core type fits the CPU or the CPU has no AVX2.
     */
    public static Optional<String> mismatch(String coreName, CpuFeatures cpu) {
        if (!isGeneric(coreName) || !cpu.hasAvx2()) {
            return Optional.empty();
        }
        return Optional.of("OpenBLAS runs its generic '" + coreName + "' kernels on a CPU with "
                + cpu.widestVectors() + " (" + cpu.model() + "): GEMM is several times slower than it could be. "
                + "Use the bundled OpenBLAS (" + BlasChoice.CONF_KEY + "=bundled, the default), a newer system "
                + "OpenBLAS, or set OPENBLAS_CORETYPE=" + (cpu.hasAvx512() ? "SKYLAKEX" : "HASWELL")
                + " in the executors' environment.");
    }
}
