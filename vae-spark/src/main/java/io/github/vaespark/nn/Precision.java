package io.github.vaespark.nn;

import java.util.Locale;

/**
 * Floating-point width used for cached data, activations and GEMM. Optimiser state is always double.
 * {@link #BFLOAT16} keeps its arrays as {@link #FLOAT32} does and differs in its GEMMs
 * ({@link Bfloat16Kernels}) and, where the CPU has native bfloat16, in the cached training rows
 * (2 bytes a value: {@code train.PartitionData}).
 */
public enum Precision {
    FLOAT32,
    FLOAT64,
    /** float32 arrays and element-wise work; GEMM inputs rounded to bfloat16, accumulated in float32. */
    BFLOAT16;

    /** The lower-case name used by the {@code precision} param. */
    public String paramName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The element kernels for this width. */
    public Kernels<?> kernels() {
        return switch (this) {
            case FLOAT32 -> Float32Kernels.INSTANCE;
            case FLOAT64 -> Float64Kernels.INSTANCE;
            case BFLOAT16 -> Bfloat16Kernels.INSTANCE;
        };
    }

    /** The width arrays are stored in: {@link #FLOAT32} for bfloat16, else this. */
    public Precision storage() {
        return this == BFLOAT16 ? FLOAT32 : this;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return storage() == FLOAT64 ? 8 : 4;
    }

    /** Parses a param value such as {@code "float32"}; case-insensitive. */
    public static Precision fromParam(String name) {
        for (Precision p : values()) {
            if (p.paramName().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown precision '" + name + "'; expected float32, float64 or bfloat16");
    }
}
