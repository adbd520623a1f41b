package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The warm-up runs every precision and likelihood it covers without failing, once per JVM. */
class WarmUpTest {

    @Test
    void runsTheTrainingCodeOnItsOwnNetwork() {
        WarmUp.run(null, 3);  // throws if any of its passes fails
    }

    @Test
    void startsOncePerJvmAndCompletes() throws Exception {
        CompletableFuture<Void> first = WarmUp.startInBackground(null);
        assertSame(first, WarmUp.startInBackground("java"), "a second start is the first one");
        first.get(120, TimeUnit.SECONDS);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
    }
}
