package io.github.vaespark.bench;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.ml.EpochSummary;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a small fit costs end to end: several consecutive whole {@code fit}s in one JVM (the first
 * pays JIT warm-up, as in a notebook; later ones are what a CrossValidator pays) on the first rows
 * of Fashion-MNIST, cached as a DataFrame of a {@code features} vector column. Prints one JSON
 * line per fit: wall time, time before the first step (caching the blocks + starting the training
 * job), first and steady-state epoch times and end-to-end rows/s. {@code --precisions} (e.g.
 * {@code float32,bfloat16,auto}) alternates the precision param from fit to fit, each line saying
 * what was asked for and what the model ran. Not a unit test.
 * Usage: SmallFitBench [--key value]... (see the defaults below).
 */
public final class SmallFitBench {
    private SmallFitBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv,
                "data", "/usr/share/datasets/fashion-mnist", "rows", "8000", "epochs", "10", "batches", "1024,128",
                "fits", "3", "precisions", "float32", "master", "local[2]", "exchange-mode", "barrier", "seed", "1", "conf", "",
                "log-level", "WARN");
        SparkSession spark = BenchArgs.session(a.get("master"), "vae-spark small fits", a.get("conf"));
        spark.sparkContext().setLogLevel(a.get("log-level"));
        Dataset<Row> train = BenchArgs.fashionMnist(spark, a.get("data"), "train", Integer.parseInt(a.get("rows")))
                .select("features").cache();
        long rows = train.count();
        int epochs = Integer.parseInt(a.get("epochs"));
        int fits = Integer.parseInt(a.get("fits"));
        int fitIndex = 0;
        JobLog jobLog = new JobLog();
        spark.sparkContext().addSparkListener(jobLog);
        for (String batch : a.get("batches").split(",")) {
            for (int f = 0; f < fits; f++) {
                for (String precision : a.get("precisions").split(",")) {
                    VariationalAutoencoder vae = new VariationalAutoencoder().setLikelihood("bernoulli")
                            .setEncoderLayers(new int[] {512, 256}).setLatentDim(20).setStepSize(1e-3)
                            .setBatchSize(Integer.parseInt(batch)).setMaxEpochs(epochs).setPrecision(precision)
                            .setSeed(Long.parseLong(a.get("seed"))).setExchangeMode(a.get("exchange-mode"));
                    jobLog.reset();
                    double jit0 = JitCpu.seconds();
                    long t0 = System.nanoTime();
                    VariationalAutoencoderModel model = vae.fit(train);
                    double fitSeconds = (System.nanoTime() - t0) / 1e9;
                    double jitSeconds = JitCpu.seconds() - jit0;
                    fitIndex++;
                    Thread.sleep(200); // the listener bus delivers the last job's end
                    System.err.println("fit " + fitIndex + " jobs: " + jobLog.jobs());
                    Map<String, Object> figures = figures(model.summary().history(), fitSeconds, rows, batch, f + 1,
                            fitIndex, a.get("master"));
                    // CPU time of the JIT compiler threads during the fit: on 2 cores, taken from the fit's own work.
                    figures.put("jit_cpu_seconds", jitSeconds);
                    figures.put("spark_plugins", BenchArgs.plugins(spark));
                    figures.put("precision", precision);
                    figures.put("precision_chosen", model.summary().precision());
                    figures.put("precision_reason", model.summary().precisionReason());
                    System.out.println(BenchArgs.json(figures));
                }
            }
        }
        spark.stop();
    }

    private static Map<String, Object> figures(List<EpochSummary> history, double fitSeconds, long rows, String batch,
                                               int fitOfBatch, int fitInJvm, String master) {
        double epochSeconds = history.stream().mapToDouble(EpochSummary::seconds).sum();
        EpochSummary first = history.get(0);
        double[] later = history.stream().skip(1).mapToDouble(EpochSummary::seconds).sorted().toArray();
        double steady = later.length == 0 ? Double.NaN : later[later.length / 2];
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "vae-spark");
        out.put("blas_library", NativeBlas.ensureLoaded());
        out.put("master", master);
        out.put("exchange_mode", first.exchangeMode());
        out.put("batch", Integer.parseInt(batch));
        out.put("rows", rows);
        out.put("epochs", history.size());
        out.put("fit_of_batch", fitOfBatch);
        out.put("fit_in_jvm", fitInJvm);
        out.put("fit_seconds", fitSeconds);
        // Caching the blocks (and everything before the first epoch), then the first epoch's time
        // outside its steps: starting the training job and the tasks joining the exchange.
        out.put("before_epochs_seconds", fitSeconds - epochSeconds);
        out.put("first_epoch_launch_seconds", first.launchSeconds());
        out.put("before_first_step_seconds", fitSeconds - epochSeconds + first.launchSeconds());
        out.put("first_epoch_seconds", first.seconds());
        out.put("first_epoch_step_seconds", first.seconds() - first.launchSeconds());
        out.put("first_epoch_compute_seconds", first.computeSeconds());
        out.put("first_epoch_exchange_seconds", first.exchangeSeconds());
        out.put("first_epoch_update_seconds", first.updateSeconds());
        out.put("steady_epoch_seconds", steady);
        out.put("last_epoch_compute_seconds", history.get(history.size() - 1).computeSeconds());
        out.put("end_to_end_rows_per_second", rows * history.size() / fitSeconds);
        out.put("steady_rows_per_second", rows / steady);
        out.put("epoch_seconds", Arrays.toString(history.stream().mapToDouble(EpochSummary::seconds).toArray()));
        return out;
    }
}
