package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ludovic.netlib.blas.BLAS;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test JVM's BLAS, chosen by {@code BlasTestSetup} before any test as the stages choose it on
 * a driver: the default is the OpenBLAS shipped in the jar, behind netlib's JNI backend.
 */
class NativeBlasTest {

    @Test
    void defaultIsTheBundledOpenBlasOnOneThreadBehindJni() {
        String line = NativeBlas.ensureLoaded();
        assertTrue(line.startsWith("bundled OpenBLAS 0.3.31 (core "), line);
        assertTrue(line.contains(", 1 thread)"), line);
        assertTrue(line.endsWith(" via dev.ludovic.netlib.blas.JNIBLAS"), line);
        assertEquals("dev.ludovic.netlib.blas.JNIBLAS", BLAS.getInstance().getClass().getName());
    }

    @Test
    void netlibLoadedTheExtractedLibraryAndNoSystemBlas() {
        NativeBlas.ensureLoaded();
        String path = System.getProperty(NativeBlas.NATIVE_LIB_PATH);
        assertTrue(path != null && path.endsWith("/libopenblas.so.0"), String.valueOf(path));
        List<String> mapped = MappedLibraries.current();
        assertTrue(mapped.contains(path), mapped.toString());
        String dir = path.substring(0, path.lastIndexOf('/') + 1);
        assertTrue(mapped.stream().allMatch(p -> p.startsWith(dir)), "BLAS libraries from elsewhere: " + mapped);
        float[] c = new float[1];
        BLAS.getInstance().sgemm("N", "N", 1, 1, 2, 1f, new float[] {2, 3}, 1, new float[] {4, 5}, 2, 0f, c, 1);
        assertEquals(23f, c[0]);
    }

    @Test
    void aLaterChoiceDoesNotChangeTheJvmsBlas() {
        String first = NativeBlas.ensureLoaded();
        assertEquals(first, NativeBlas.ensureLoaded("java"));
        assertFalse(System.getProperty(NativeBlas.ALLOW_NATIVE, "true").equals("false"));
        assertEquals("dev.ludovic.netlib.blas.JNIBLAS", BLAS.getInstance().getClass().getName());
    }
}
