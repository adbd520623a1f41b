package io.github.vaespark.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlasChoiceTest {

    @Test
    void parsesConfValuesCaseInsensitively() {
        assertEquals(BlasChoice.BUNDLED, BlasChoice.parse("bundled"));
        assertEquals(BlasChoice.SYSTEM, BlasChoice.parse(" System "));
        assertEquals(BlasChoice.JAVA, BlasChoice.parse("JAVA"));
    }

    @Test
    void unsetMeansBundled() {
        assertEquals(BlasChoice.BUNDLED, BlasChoice.parse(null));
        assertEquals(BlasChoice.BUNDLED, BlasChoice.parse("  "));
    }

    @Test
    void unknownValueNamesTheConf() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlasChoice.parse("mkl"));
        assertTrue(e.getMessage().contains("spark.vaespark.blas"), e.getMessage());
        assertTrue(e.getMessage().contains("'mkl'"), e.getMessage());
    }

    @Test
    void fallsBackTowardsJava() {
        assertEquals(List.of(BlasChoice.BUNDLED, BlasChoice.SYSTEM, BlasChoice.JAVA), BlasChoice.BUNDLED.fallbacks());
        assertEquals(List.of(BlasChoice.SYSTEM, BlasChoice.JAVA), BlasChoice.SYSTEM.fallbacks());
        assertEquals(List.of(BlasChoice.JAVA), BlasChoice.JAVA.fallbacks());
        assertEquals("system", BlasChoice.SYSTEM.confValue());
    }
}
