package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kernel warm-up runs once per JVM and precision and never outlives {@link KernelWarmup#close()}. */
class KernelWarmupTest {
    private static final VaeLayout LAYOUT = new VaeLayout(12, new int[] {8}, 3, new int[] {8}, Activation.RELU,
            Likelihood.BERNOULLI);

    @Test
    void closeStopsAWarmupThatWouldOtherwiseRunOn() {
        KernelWarmup warmup = new KernelWarmup(LAYOUT, Precision.FLOAT32, Integer.MAX_VALUE, false);
        assertTrue(warmup.started());
        assertTrue(warmup.running(), "an unbounded warm-up runs until closed");
        warmup.close();
        assertFalse(warmup.running(), "close() returns only after the warm-up thread has ended");
    }

    @Test
    void aJvmWarmsUpOncePerPrecision() {
        try (KernelWarmup first = KernelWarmup.start(LAYOUT, Precision.FLOAT64);
             KernelWarmup second = KernelWarmup.start(LAYOUT, Precision.FLOAT64)) {
            assertFalse(first.started() && second.started(), "only the first fit of a JVM pays for a warm-up");
        }
    }
}
