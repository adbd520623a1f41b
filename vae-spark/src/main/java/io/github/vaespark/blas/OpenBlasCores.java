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

    /** x86 core types whose kernels use AVX-512 (lower case). */
    private static final Set<String> AVX512 = Set.of("skylakex", "cooperlake", "sapphirerapids");

    /** The environment variable through which OpenBLAS takes a core type instead of detecting one. */
    public static final String CORETYPE_VARIABLE = "OPENBLAS_CORETYPE";

    private OpenBlasCores() {
    }

    /** True when the core type runs kernels without AVX2 (case-insensitive). */
    public static boolean isGeneric(String coreName) {
        return coreName != null && GENERIC.contains(coreName.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * A warning when {@code OPENBLAS_CORETYPE} ({@code coretypeVariable}, null when unset) forced
     * kernels narrower than the CPU's vectors: AVX2 or generic kernels on an AVX-512 CPU, generic
     * ones on an AVX2 CPU (e.g. {@code Haswell} on an AVX-512 EPYC: 1024³ sgemm at 101 GFLOP/s
     * against 176 detected). Such a setting is often meant for an older OpenBLAS elsewhere on the
     * machine; the bundled one detects the CPU itself. Empty when the variable is unset or the
     * core in use fits the CPU.
     */
    public static Optional<String> forcedNarrower(String coreName, String coretypeVariable, CpuFeatures cpu) {
        if (coretypeVariable == null || coretypeVariable.isBlank() || coreName == null) {
            return Optional.empty();
        }
        String core = coreName.trim().toLowerCase(Locale.ROOT);
        boolean narrower = cpu.hasAvx512() ? !AVX512.contains(core) : cpu.hasAvx2() && isGeneric(core);
        if (!narrower) {
            return Optional.empty();
        }
        return Optional.of(CORETYPE_VARIABLE + "=" + coretypeVariable.trim() + " in the environment makes OpenBLAS run its '"
                + coreName.trim() + "' kernels on a CPU with " + cpu.widestVectors() + " (" + cpu.model()
                + "): GEMM runs slower than it could. Unless that "
                + "is meant, unset " + CORETYPE_VARIABLE + " in the executors' environment: the bundled OpenBLAS "
                + "detects this CPU itself.");
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
