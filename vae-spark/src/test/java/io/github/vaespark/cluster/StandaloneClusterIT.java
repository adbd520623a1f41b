package io.github.vaespark.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vaespark.SparkTestSession;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spark-submit job on a real standalone cluster: a master and two workers, each its own JVM
 * on 127.0.0.1, started by scripts/start-cluster.sh and always stopped again. Training uses the
 * barrier exchange, so the executors talk to the driver's exchange server over TCP.
 */
class StandaloneClusterIT {
    private static Path work;
    private static Map<String, String> env;
    private static String master;
    /** What the undisturbed training run printed (null until it has run). */
    private static String undisturbedOutput;

    @BeforeAll
    static void startCluster() throws Exception {
        SparkTestSession.get(); // a local session in this JVM, to load and check what the jobs wrote
        work = Files.createTempDirectory("vae-cluster-it");
        env = new HashMap<>();
        env.put("CLUSTER_DIR", work.resolve("cluster").toString());
        env.put("MASTER_PORT", Integer.toString(ClusterJobs.freePort()));
        env.put("MASTER_UI_PORT", Integer.toString(ClusterJobs.freePort()));
        ClusterJobs.writeCsv(work.resolve("data"));
        Scripts.Result started = Scripts.run("start-cluster.sh", env, 180);
        assertEquals(0, started.exitCode(), "start-cluster.sh failed:\n" + started.output());
        master = started.lines().get(started.lines().size() - 1).trim();
        assertTrue(master.startsWith("spark://127.0.0.1:"), master);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (env != null) {
            Scripts.run("stop-cluster.sh", env, 120);
        }
    }

    /** spark-submit arguments for the job, with an event log and a fixed driver port. */
    private static List<String> submit(String eventLog, int driverPort, String... jobArgs) {
        List<String> args = new ArrayList<>(List.of("--master", master, "--deploy-mode", "client",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.port=" + driverPort,
                "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=1",
                "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=file://" + eventLog,
                "--conf", "spark.eventLog.compress=false", "--conf", "spark.eventLog.rolling.enabled=false",
                "--conf", "spark.executorEnv.OPENBLAS_NUM_THREADS=1",
                "--class", "io.github.vaespark.cli.VaeJob", Scripts.JAR));
        args.addAll(List.of(jobArgs));
        return args;
    }

    private static String[] train(String model, int epochs) {
        return ClusterJobs.train(work.resolve("data"), model, epochs, 64);
    }

    @Test
    void trainAndTransformRunOnTheExecutorsOfTheCluster() throws Exception {
        String model = undisturbed();
        assertTrue(undisturbedOutput.contains("epoch 12/12"), "progress lines are printed");

        Path events = work.resolve("events-1");
        String output = work.resolve("transformed.parquet").toString();
        Scripts.Result transformed = Scripts.run("spark-submit.sh", env, 600, submit(events.toString(),
                ClusterJobs.freePort(), "transform", "--model", model, "--input", work.resolve("data").toString(),
                "--format", "csv", "--output", output).toArray(new String[0]));
        assertEquals(0, transformed.exitCode(), transformed.output());

        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(model);
        assertEquals(12, loaded.numFeatures());
        Dataset<Row> out = SparkTestSession.get().read().parquet(output);
        assertEquals(3000, out.count());
        Row first = out.select("latentMean", "reconstruction").first();
        assertEquals(2, ((Vector) first.get(0)).size());
        assertEquals(12, ((Vector) first.get(1)).size());

        assertTrue(EventLogs.jobDescriptions(events)
                        .contains("vae-spark: training from epoch 1/12 (47 steps per epoch, barrier)"),
                "the barrier training job is described in the Spark UI: " + EventLogs.jobDescriptions(events));
        JsonNode history = new ObjectMapper().readTree(Files.readString(Path.of(model + ".history.json")));
        assertEquals("barrier", history.path("history").path(0).path("exchangeMode").asText(),
                "the executors exchanged gradients with the driver over TCP in one barrier job");
        Map<String, Integer> tasksByExecutor = EventLogs.tasksByExecutor(events);
        System.out.println("tasks by executor: " + tasksByExecutor);
        assertTrue(!tasksByExecutor.containsKey("driver"), "no task ran in the driver JVM");
        assertTrue(tasksByExecutor.size() >= 2, "tasks ran in at least two executor JVMs: " + tasksByExecutor);
    }

    @Test
    void losingAnExecutorMidTrainingLeavesTheModelUnchanged() throws Exception {
        assertArrayEquals(VariationalAutoencoderModel.load(undisturbed()).weights(), trainLosingAnExecutor("barrier"),
                "the weights after losing an executor equal those of an undisturbed run");
    }

    @Test
    void losingAnExecutorMidPeerTrainingLeavesTheModelUnchanged() throws Exception {
        assertArrayEquals(VariationalAutoencoderModel.load(undisturbed()).weights(), trainLosingAnExecutor("peer"),
                "the peer exchange, after losing an executor, ends with the undisturbed barrier run's weights");
    }

    /**
     * The model of an undisturbed 12-epoch fit with the barrier exchange, trained once (its event
     * log in events-1, its output in {@link #undisturbedOutput}): the model the first test
     * transforms with, and the weights the executor-loss tests must reproduce; whichever test runs
     * first trains it.
     */
    private static synchronized String undisturbed() throws Exception {
        String model = work.resolve("model-undisturbed").toString();
        if (undisturbedOutput == null) {
            Path events = Files.createDirectories(work.resolve("events-1"));
            Scripts.Result baseline = Scripts.run("spark-submit.sh", env, 900,
                    submit(events.toString(), ClusterJobs.freePort(), train(model, 12)).toArray(new String[0]));
            assertEquals(0, baseline.exitCode(), baseline.output());
            undisturbedOutput = baseline.output();
        }
        return model;
    }

    /** Trains 12 epochs with {@code exchangeMode}, killing one executor at epoch 3; returns the weights. */
    private static double[] trainLosingAnExecutor(String exchangeMode) throws Exception {
        Path events = Files.createDirectories(work.resolve("events-" + exchangeMode));
        String disturbed = work.resolve("model-disturbed-" + exchangeMode).toString();
        int driverPort = ClusterJobs.freePort();
        AtomicBoolean killed = new AtomicBoolean();
        List<String> job = new ArrayList<>(List.of(train(disturbed, 12)));
        job.addAll(List.of("--exchange-mode", exchangeMode));
        Scripts.Result run = Scripts.run("spark-submit.sh", env, 900, line -> {
            if (line.startsWith("epoch 3/12") && killed.compareAndSet(false, true)) {
                killOneExecutor(driverPort);
            }
        }, submit(events.toString(), driverPort, job.toArray(new String[0])).toArray(new String[0]));
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(killed.get(), "an executor was killed during training");
        JsonNode history = new ObjectMapper().readTree(Files.readString(Path.of(disturbed + ".history.json")));
        assertEquals(exchangeMode, history.path("history").path(0).path("exchangeMode").asText());
        return VariationalAutoencoderModel.load(disturbed).weights();
    }

    /** Kills (SIGKILL) one executor JVM of the application whose driver listens on {@code driverPort}. */
    private static void killOneExecutor(int driverPort) {
        ProcessHandle victim = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")
                        && c.contains("127.0.0.1:" + driverPort)).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no executor of driver port " + driverPort));
        System.out.println("killing executor JVM " + victim.pid());
        victim.destroyForcibly();
    }
}
