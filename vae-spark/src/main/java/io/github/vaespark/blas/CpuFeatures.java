package io.github.vaespark.blas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CPU model and instruction-set flags of the first processor in {@code /proc/cpuinfo}: enough
 * to tell whether a BLAS core type leaves vector units unused.
 *
 * @param model the "model name" line's value, or "unknown"
 * @param flags the "flags" line's words, lower case
 */
public record CpuFeatures(String model, Set<String> flags) {

    /** Nothing known (not Linux, or /proc unreadable). */
    public static final CpuFeatures UNKNOWN = new CpuFeatures("unknown", Set.of());

    /** Parses the text of {@code /proc/cpuinfo}; only the first processor's lines count. */
    public static CpuFeatures parse(String cpuinfo) {
        String model = "unknown";
        Set<String> flags = Set.of();
        boolean haveModel = false;
        boolean haveFlags = false;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (!haveModel && key.equals("model name")) {
                model = value;
                haveModel = true;
            } else if (!haveFlags && (key.equals("flags") || key.equals("Features"))) {
                flags = Arrays.stream(value.split("\\s+")).filter(w -> !w.isEmpty())
                        .map(String::toLowerCase).collect(Collectors.toUnmodifiableSet());
                haveFlags = true;
            }
        }
        return new CpuFeatures(model, flags);
    }

    /** This machine's CPU, or {@link #UNKNOWN} when {@code /proc/cpuinfo} cannot be read. */
    public static CpuFeatures current() {
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** True when the CPU has AVX2 (and FMA) units. */
    public boolean hasAvx2() {
        return flags.contains("avx2");
    }

    /** True when the CPU has AVX-512 Foundation. */
    public boolean hasAvx512() {
        return flags.contains("avx512f");
    }

    /** The widest vector extension, for log lines: "AVX-512", "AVX2" or "no AVX2". */
    public String widestVectors() {
        return hasAvx512() ? "AVX-512" : hasAvx2() ? "AVX2" : "no AVX2";
    }
}
