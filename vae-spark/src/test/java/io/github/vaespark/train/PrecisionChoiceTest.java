package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.Precision;
import org.junit.jupiter.api.Test;

/** The rule precision=auto applies to the probe's figures: bfloat16 only when faster and every quality check passes. */
class PrecisionChoiceTest {
    private static PrecisionChoice decide(double f32, double bf16, double noise, double loss, double cosine) {
        return PrecisionChoice.decide(f32, bf16, noise, loss, cosine);
    }

    @Test
    void bfloat16WhenFasterAndEveryCheckPasses() {
        PrecisionChoice c = decide(30, 15, 1e-6, 1e-4, 0.9999);
        assertEquals(Precision.BFLOAT16, c.chosen());
        assertTrue(c.reason().contains("15.00 ms in bfloat16 against 30.00 ms"), c.reason());
    }

    @Test
    void float32WhenNotFasterByTheMargin() {
        PrecisionChoice c = decide(30, 28, 1e-6, 1e-4, 0.9999);
        assertEquals(Precision.FLOAT32, c.chosen());
        assertTrue(c.reason().contains("not 1.1× faster"), c.reason());
        assertEquals(Precision.BFLOAT16, decide(33, 30, 1e-6, 1e-4, 0.9999).chosen(), "exactly 1.1× is enough");
    }

    @Test
    void float32WhenAQualityCheckFailsEvenIfFaster() {
        assertTrue(decide(30, 10, 2e-3, 1e-4, 0.9999).reason().contains("blur a feature"));
        assertTrue(decide(30, 10, 1e-6, 0.02, 0.9999).reason().contains("-ELBO differs"));
        assertTrue(decide(30, 10, 1e-6, 1e-4, 0.98).reason().contains("cosine"));
        for (PrecisionChoice c : new PrecisionChoice[] {decide(30, 10, 2e-3, 1e-4, 0.9999),
                decide(30, 10, 1e-6, 0.02, 0.9999), decide(30, 10, 1e-6, 1e-4, 0.98)}) {
            assertEquals(Precision.FLOAT32, c.chosen(), c.reason());
        }
    }

    @Test
    void notANumberNeverChoosesBfloat16() {
        assertEquals(Precision.FLOAT32, decide(30, 10, Double.NaN, 1e-4, 0.9999).chosen());
        assertEquals(Precision.FLOAT32, decide(30, 10, 1e-6, Double.NaN, 0.9999).chosen());
        assertEquals(Precision.FLOAT32, decide(30, 10, 1e-6, 1e-4, Double.NaN).chosen());
        assertEquals(Precision.FLOAT32, decide(Double.NaN, 10, 1e-6, 1e-4, 0.9999).chosen());
    }
}
