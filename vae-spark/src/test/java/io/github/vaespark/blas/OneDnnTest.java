package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** When {@link OneDnn} says bfloat16 cannot run natively, and that the one-time check is consistent. */
class OneDnnTest {
    private static final CpuFeatures AVX512_BF16 = new CpuFeatures("AMD EPYC", Set.of("avx2", "avx512f", "avx512_bf16"));

    @Test
    void needsLinuxX86AndABf16Unit() {
        assertNull(OneDnn.unsupportedReason("Linux amd64", AVX512_BF16));
        assertNull(OneDnn.unsupportedReason("Linux amd64", new CpuFeatures("Xeon", Set.of("amx_bf16"))));
        String noUnit = OneDnn.unsupportedReason("Linux amd64", new CpuFeatures("Old Xeon", Set.of("avx2", "avx512f")));
        assertEquals("CPU Old Xeon has neither avx512_bf16 nor amx_bf16", noUnit);
        String arm = OneDnn.unsupportedReason("Linux aarch64", AVX512_BF16);
        assertTrue(arm.contains("Linux x86-64 only, not Linux aarch64"), arm);
        assertTrue(OneDnn.unsupportedReason("Mac OS X x86_64", AVX512_BF16).contains("Mac OS X"));
    }

    @Test
    void theDescriptionMatchesTheOutcome() {
        String d = OneDnn.description();
        System.out.println("OneDnnTest: bfloat16 " + (OneDnn.bf16Available() ? "available" : "unavailable") + ": " + d);
        assertTrue(OneDnn.bf16Available() ? d.contains("effective ISA") : d.contains("runs the float32 GEMM"), d);
    }
}
