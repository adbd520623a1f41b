package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The warm-up runs every precision and likelihood it covers without failing, once per JVM. */
class WarmUpTest {

    @Test
    void runsTheTrainingCodeOnItsOwnNetwork() {
        WarmUp.run(new SparkConf(false), 3);  // throws if any of its passes fails
    }

    @Test
    void startsOncePerJvmAndCompletes() throws Exception {
        CompletableFuture<Void> first = WarmUp.startInBackground(new SparkConf(false));
        assertSame(first, WarmUp.startInBackground(new SparkConf(false).set("spark.vaespark.blas", "java")),
                "a second start is the first one");
        first.get(120, TimeUnit.SECONDS);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
    }
}
