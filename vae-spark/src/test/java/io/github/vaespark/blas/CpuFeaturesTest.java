package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuFeaturesTest {
    private static final String XEON = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model\t\t: 207
            model name\t: Intel(R) Xeon(R) Platinum 8581C CPU @ 2.10GHz
            flags\t\t: fpu sse sse2 avx avx2 fma avx512f avx512bw amx_tile
            
            processor\t: 1
            model name\t: Something Else
            flags\t\t: fpu sse
            """;

    @Test
    void readsTheFirstProcessorsModelAndFlags() {
        CpuFeatures cpu = CpuFeatures.parse(XEON);
        assertEquals("Intel(R) Xeon(R) Platinum 8581C CPU @ 2.10GHz", cpu.model());
        assertTrue(cpu.hasAvx2());
        assertTrue(cpu.hasAvx512());
        assertEquals("AVX-512", cpu.widestVectors());
    }

    @Test
    void avx2WithoutAvx512() {
        CpuFeatures cpu = CpuFeatures.parse("model name : AMD Ryzen\nflags : sse avx AVX2 fma\n");
        assertTrue(cpu.hasAvx2());
        assertFalse(cpu.hasAvx512());
        assertEquals("AVX2", cpu.widestVectors());
    }

    @Test
    void nothingKnownFromEmptyText() {
        CpuFeatures cpu = CpuFeatures.parse("");
        assertEquals("unknown", cpu.model());
        assertFalse(cpu.hasAvx2());
        assertEquals("no AVX2", cpu.widestVectors());
    }
}
