package io.github.vaespark.blas;

import java.util.List;
import java.util.Locale;

/**
 * Which BLAS netlib should use, as asked for by the Spark conf {@value #CONF_KEY}: the OpenBLAS
 * shipped in the jar ({@code bundled}, the default), the system's {@code libblas.so.3}
 * ({@code system}), or netlib's Java implementation ({@code java}).
 */
public enum BlasChoice {
    /** The OpenBLAS shipped in the jar (org.bytedeco:openblas), which recognises recent CPUs. */
    BUNDLED,
    /** Whatever native BLAS netlib finds by itself: {@code libblas.so.3} unless told otherwise. */
    SYSTEM,
    /** netlib's Java implementation, no native code. */
    JAVA;

    /** The Spark conf (or JVM system property) that chooses the BLAS. */
    public static final String CONF_KEY = "spark.vaespark.blas";

    /**
     * The choice named by a conf value, case-insensitive; null or blank means {@link #BUNDLED}.
     *
     * @throws IllegalArgumentException naming {@value #CONF_KEY} for any other value
     */
    public static BlasChoice parse(String value) {
        if (value == null || value.isBlank()) {
            return BUNDLED;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(CONF_KEY + " must be bundled, system or java, not '" + value + "'", e);
        }
    }

    /** The choices to try in order: this one, then the ones it falls back to when it cannot load. */
    public List<BlasChoice> fallbacks() {
        return switch (this) {
            case BUNDLED -> List.of(BUNDLED, SYSTEM, JAVA);
            case SYSTEM -> List.of(SYSTEM, JAVA);
            case JAVA -> List.of(JAVA);
        };
    }

    /** The conf value that selects this choice. */
    public String confValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
