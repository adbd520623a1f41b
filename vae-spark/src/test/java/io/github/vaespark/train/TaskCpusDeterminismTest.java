package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Float32Kernels;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.ParameterInit;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.train.jobs.GradientTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partition's gradient has the same bits whatever number of CPUs (spark.task.cpus) its task
 * has, and also when several multi-CPU tasks of one executor compute at the same time and share
 * its helper threads.
 */
class TaskCpusDeterminismTest {
    private static final long SEED = 11;
    private static final int CAPACITY = 8;
    private static VaeLayout layout;
    private static PartitionData data;
    private static Broadcast<byte[]> weights;
    private static GradientSetup setup;

    @BeforeAll
    static void setUp() {
        layout = new VaeLayout(DistributedGradientTest.DIM, new int[] {7}, 3, new int[] {6}, Activation.RELU,
                Likelihood.BERNOULLI);
        List<double[]> rows = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            rows.addAll(DistributedGradientTest.rows());
        }
        rows.replaceAll(r -> java.util.Arrays.stream(r).map(v -> 1 / (1 + Math.exp(-v))).toArray());
        PartitionData.Builder builder = new PartitionData.Builder(Precision.FLOAT32, DistributedGradientTest.DIM, 16);
        rows.forEach(builder::add);
        data = builder.build();
        int n = data.rows();
        weights = SparkTestSession.jsc().broadcast(Float32Kernels.INSTANCE.toBytes(ParameterInit.initialize(layout, 5)));
        setup = new GradientSetup(layout, Precision.FLOAT32, new BatchPlan(new int[] {n}, n), new long[] {0}, SEED,
                CAPACITY);
    }

    @AfterAll
    static void tearDown() {
        weights.destroy();
    }

    private static float[] gradient(int threads) {
        PartialGradient g = new GradientTask(setup, weights, 1, 0, 1.0).compute(0, data, threads);
        assertEquals(data.rows(), g.loss().rows());
        return ((float[]) g.gradient()).clone();
    }

    @Test
    void bitIdenticalForAnyNumberOfTaskCpus() {
        float[] one = gradient(1);
        for (int threads = 2; threads <= 5; threads++) {
            assertArrayEquals(one, gradient(threads), threads + " threads");
            assertArrayEquals(one, gradient(threads), threads + " threads, again");
        }
    }

    @Test
    void concurrentMultiCpuTasksDoNotDisturbEachOther() throws Exception {
        float[] reference = gradient(1);
        int tasks = 3;
        CyclicBarrier start = new CyclicBarrier(tasks);
        List<CompletableFuture<List<float[]>>> running = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int threads = 2 + t;
            running.add(CompletableFuture.supplyAsync(() -> {
                List<float[]> results = new ArrayList<>();
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = 0; i < 20; i++) {
                    results.add(gradient(threads));
                }
                return results;
            }, r -> new Thread(r, "task-" + threads).start()));
        }
        for (CompletableFuture<List<float[]>> f : running) {
            for (float[] g : f.get()) {
                assertArrayEquals(reference, g);
            }
        }
    }

    @Test
    void tailsReportedDuringTheLastChunkAreFinal() {
        float[] reference = gradient(1);
        for (int threads = 1; threads <= 3; threads++) {
            ExecutorBuffers<float[]> buffers = ExecutorBuffers.get(layout, Float32Kernels.INSTANCE, CAPACITY);
            float[] w = new float[layout.numParams()];
            Float32Kernels.INSTANCE.fromBytes(weights.value(), w);
            List<float[]> tails = new ArrayList<>();
            List<Integer> froms = new ArrayList<>();
            ShareGradient.compute(setup, buffers, w, data, 0, 1, 0, 1.0, threads, from -> {
                froms.add(from);
                tails.add(java.util.Arrays.copyOfRange(buffers.gradient, from, layout.numParams()));
            });
            assertEquals(true, froms.size() > 1, "the backward pass reports several tails");
            for (int i = 0; i < froms.size(); i++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(reference, froms.get(i), layout.numParams()),
                        tails.get(i), threads + " threads, tail from " + froms.get(i));
            }
            assertArrayEquals(reference, buffers.gradient, threads + " threads");
        }
    }
}
