package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenBlasCoresTest {
    private static final CpuFeatures AVX512 = new CpuFeatures("Xeon", Set.of("avx2", "avx512f"));
    private static final CpuFeatures AVX2 = new CpuFeatures("Ryzen", Set.of("avx2"));
    private static final CpuFeatures OLD = new CpuFeatures("Core 2", Set.of("sse3"));

    @Test
    void genericCoresAreRecognisedCaseInsensitively() {
        for (String core : new String[] {"Prescott", "Core2", "NEHALEM", "Sandybridge", "generic", " Penryn "}) {
            assertTrue(OpenBlasCores.isGeneric(core), core);
        }
        for (String core : new String[] {"Haswell", "SkylakeX", "Cooperlake", "Zen", "SapphireRapids", "neoversen1"}) {
            assertFalse(OpenBlasCores.isGeneric(core), core);
        }
        assertFalse(OpenBlasCores.isGeneric(null));
    }

    @Test
    void warnsWhenAGenericCoreRunsOnAVectorCpu() {
        Optional<String> w = OpenBlasCores.mismatch("Prescott", AVX512);
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("Prescott") && w.get().contains("AVX-512") && w.get().contains("SKYLAKEX"), w.get());
        assertTrue(OpenBlasCores.mismatch("Sandybridge", AVX2).get().contains("HASWELL"));
    }

    @Test
    void warnsWhenTheEnvironmentForcesNarrowerKernels() {
        Optional<String> w = OpenBlasCores.forcedNarrower("Haswell", "Haswell", AVX512);
        assertTrue(w.isPresent());
        assertTrue(w.get().contains("OPENBLAS_CORETYPE=Haswell") && w.get().contains("AVX-512")
                && w.get().contains("Xeon"), w.get());
        assertTrue(OpenBlasCores.forcedNarrower("Zen", "ZEN", AVX512).isPresent());
        assertTrue(OpenBlasCores.forcedNarrower("Prescott", "PRESCOTT", AVX2).isPresent());
    }

    @Test
    void noForcedCoreWarningWhenUnsetOrFitting() {
        assertTrue(OpenBlasCores.forcedNarrower("Haswell", null, AVX512).isEmpty());
        assertTrue(OpenBlasCores.forcedNarrower("Haswell", " ", AVX512).isEmpty());
        assertTrue(OpenBlasCores.forcedNarrower("SkylakeX", "SKYLAKEX", AVX512).isEmpty());
        assertTrue(OpenBlasCores.forcedNarrower("Cooperlake", "COOPERLAKE", AVX512).isEmpty());
        assertTrue(OpenBlasCores.forcedNarrower("Haswell", "HASWELL", AVX2).isEmpty());
        assertTrue(OpenBlasCores.forcedNarrower("Core2", "CORE2", OLD).isEmpty());
    }

    @Test
    void noWarningWhenTheCoreFitsOrTheCpuIsOld() {
        assertTrue(OpenBlasCores.mismatch("SkylakeX", AVX512).isEmpty());
        assertTrue(OpenBlasCores.mismatch("Haswell", AVX2).isEmpty());
        assertTrue(OpenBlasCores.mismatch("Core2", OLD).isEmpty());
    }
}
