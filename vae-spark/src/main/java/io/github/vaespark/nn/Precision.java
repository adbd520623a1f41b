package io.github.vaespark.nn;

import java.util.Locale;

/** Floating-point width used for cached data, activations and GEMM. Optimiser state is always double. */
public enum Precision {
    FLOAT32,
    FLOAT64;

    /** The lower-case name used by the {@code precision} param. */
    public String paramName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The element kernels for this width. */
    public Kernels<?> kernels() {
        return this == FLOAT32 ? Float32Kernels.INSTANCE : Float64Kernels.INSTANCE;
    }

    /** Bytes per element. */
    public int bytes() {
        return this == FLOAT32 ? 4 : 8;
    }

    /** Parses a param value such as {@code "float32"}; case-insensitive. */
    public static Precision fromParam(String name) {
        for (Precision p : values()) {
            if (p.paramName().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown precision '" + name + "'; expected float32 or float64");
    }
}
