package io.github.vaespark.bench;

import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.ml.VariationalAutoencoderSummary;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.ml.EpochSummary;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Trains the Fashion-MNIST VAE with vae-spark and prints one JSON line of figures (the vae-spark
 * half of scripts/benchmark.sh): training samples/s, test negative ELBO, transform rows/s, the
 * split of step time into executor compute and Spark overhead, achieved GFLOP/s and cache size;
 * whole-fit samples/s (wall time of {@code fit}, caching the blocks included) and what oneDNN
 * reports for bfloat16 (scripts/bf16-bench.sh). Not a unit test.
 * Usage: FashionMnistBench [--key value]... (see the defaults below).
 */
public final class FashionMnistBench {
    private FashionMnistBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv,
                "data", "/usr/share/datasets/fashion-mnist", "epochs", "10", "batch", "128", "lr", "1e-3",
                "precision", "float32", "master", "local[2]", "hidden", "512,256", "latent", "20",
                "train-limit", "0", "seed", "1", "conf", "", "exchange-mode", "auto", "exchange-precision", "float32",
                "transport", "auto",
                "transform-runs", "3", "transform-precisions", "");
        SparkSession spark = BenchArgs.session(a.get("master"), "vae-spark benchmark", a.get("conf"));
        int partitions = spark.sparkContext().defaultParallelism();
        Dataset<Row> train = BenchArgs.fashionMnist(spark, a.get("data"), "train", Integer.parseInt(a.get("train-limit")));
        Dataset<Row> test = BenchArgs.fashionMnist(spark, a.get("data"), "t10k", 0);
        long trainRows = train.count();
        test.count();

        int[] hidden = Arrays.stream(a.get("hidden").split(",")).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        VariationalAutoencoder vae = new VariationalAutoencoder().setLikelihood("bernoulli")
                .setEncoderLayers(hidden).setLatentDim(Integer.parseInt(a.get("latent")))
                .setBatchSize(Integer.parseInt(a.get("batch"))).setStepSize(Double.parseDouble(a.get("lr")))
                .setMaxEpochs(Integer.parseInt(a.get("epochs"))).setPrecision(a.get("precision"))
                .setSeed(Long.parseLong(a.get("seed"))).setExchangeMode(a.get("exchange-mode"))
                .setExchangePrecision(a.get("exchange-precision"));
        spark.sparkContext().setLocalProperty("spark.vaespark.exchange.transport", a.get("transport"));
        TaskTimeline timeline = new TaskTimeline();
        spark.sparkContext().addSparkListener(timeline);
        long faults0 = PageFaults.minor();
        double jit0 = JitCpu.seconds();
        long t0 = System.nanoTime();
        VariationalAutoencoderModel model = vae.fit(train);
        long fitFaults = PageFaults.minor() - faults0;
        double fitJit = JitCpu.seconds() - jit0;
        spark.sparkContext().removeSparkListener(timeline);
        double fitSeconds = (System.nanoTime() - t0) / 1e9;
        VariationalAutoencoderSummary s = model.summary();

        double trainSeconds = s.history().stream().mapToDouble(EpochSummary::seconds).sum();
        double computeSeconds = s.history().stream().mapToDouble(EpochSummary::computeSeconds).sum();
        long samples = s.history().stream().mapToLong(EpochSummary::rows).sum();
        VaeLayout layout = model.layout();
        long macsPerSample = 3 * layout.forwardMultiplyAdds()
                - (long) layout.inputDim() * layout.encoderLayer(0).out();
        double flops = 2.0 * macsPerSample * samples;

        Row elbo = model.copy(new org.apache.spark.ml.param.ParamMap()).setElboCol("elbo").setLatentMeanCol("")
                .setReconstructionCol("").transform(test)
                .agg(functions.avg("elbo")).first();
        double testNegativeElbo = -elbo.getDouble(0);

        transformSeconds(model, train); // warm-up (JIT, code generation)
        double[] transformSeconds = new double[Integer.parseInt(a.get("transform-runs"))];
        for (int run = 0; run < transformSeconds.length; run++) {
            transformSeconds[run] = transformSeconds(model, train);
        }
        Arrays.sort(transformSeconds);
        // The same model's transform at each precision, runs alternating, in this one JVM.
        Map<String, Double> byPrecision = new LinkedHashMap<>();
        String[] precisions = a.get("transform-precisions").isEmpty() ? new String[0]
                : a.get("transform-precisions").split(",");
        double[][] precisionSeconds = new double[precisions.length][transformSeconds.length];
        // One model per precision, each scoring the data again and again as a deployed model does
        // (its weights are broadcast once); a copy per run would broadcast them every run.
        VariationalAutoencoderModel[] byPrecisionModel = new VariationalAutoencoderModel[precisions.length];
        for (int p = 0; p < precisions.length; p++) {
            byPrecisionModel[p] = model.copy(new org.apache.spark.ml.param.ParamMap()).setPrecision(precisions[p]);
        }
        for (int run = 0; run < transformSeconds.length; run++) {
            for (int p = 0; p < precisions.length; p++) {
                if (run == 0) {
                    transformSeconds(byPrecisionModel[p], train); // warm-up
                }
                precisionSeconds[p][run] = transformSeconds(byPrecisionModel[p], train);
            }
        }
        for (int p = 0; p < precisions.length && transformSeconds.length > 0; p++) {
            Arrays.sort(precisionSeconds[p]);
            byPrecision.put(precisions[p], trainRows / precisionSeconds[p][transformSeconds.length / 2]);
        }

        Map<String, Object> out = new LinkedHashMap<>();
        int taskCpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
        String exchange = s.history().get(s.history().size() - 1).exchangeMode();
        String transport = "barrier".equals(exchange) && !"auto".equals(a.get("transport")) ? "-" + a.get("transport") : "";
        out.put("impl", "vae-spark-" + exchange + transport + (taskCpus == 1 ? "" : "-cpus" + taskCpus));
        out.put("exchange_mode", exchange);
        out.put("master", a.get("master"));
        out.put("spark_plugins", BenchArgs.plugins(spark));
        out.put("blas", dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
        out.put("blas_library", io.github.vaespark.blas.NativeBlas.ensureLoaded());
        out.put("precision", s.precision());  // what training ran in: precision=auto resolved
        if (!s.precisionReason().isEmpty()) {
            out.put("precision_param", a.get("precision"));
            out.put("precision_reason", s.precisionReason());
        }
        if ("bfloat16".equals(s.precision())) {
            out.put("onednn", io.github.vaespark.blas.OneDnn.description());
        }
        out.put("batch", vae.getBatchSize());
        out.put("epochs", s.epochs());
        out.put("partitions", partitions);
        out.put("train_rows", trainRows);
        out.put("fit_seconds", fitSeconds);
        out.put("fit_minor_page_faults", fitFaults);
        out.put("fit_jit_cpu_seconds", fitJit);
        out.put("fit_samples_per_second", samples / fitSeconds);
        out.put("train_seconds", trainSeconds);
        out.put("train_samples_per_second", samples / trainSeconds);
        out.put("compute_seconds", computeSeconds);
        out.put("overhead_fraction", 1 - computeSeconds / trainSeconds);
        out.put("exchange_seconds", s.history().stream().mapToDouble(EpochSummary::exchangeSeconds).sum());
        out.put("update_seconds", s.history().stream().mapToDouble(EpochSummary::updateSeconds).sum());
        out.put("launch_seconds", s.history().stream().mapToDouble(EpochSummary::launchSeconds).sum());
        out.put("steps", s.totalSteps());
        out.put("epoch_seconds", s.history().stream().map(e -> Math.round(e.seconds() * 1000) / 1000.0).toList());
        out.put("epoch_launch_seconds", s.history().stream().map(e -> Math.round(e.launchSeconds() * 1000) / 1000.0)
                .toList());
        out.put("epoch_compute_seconds", s.history().stream().map(e -> Math.round(e.computeSeconds() * 1000) / 1000.0)
                .toList());
        out.put("spark_timeline", timeline.averages());
        out.put("ms_per_step", 1000 * trainSeconds / s.totalSteps());
        out.put("achieved_gflops", flops / trainSeconds / 1e9);
        out.put("train_negative_elbo_history", s.negativeElboHistory());
        out.put("test_negative_elbo", testNegativeElbo);
        if (transformSeconds.length > 0) {  // --transform-runs 0: training only
            out.put("transform_rows_per_second", trainRows / transformSeconds[transformSeconds.length / 2]); // median
        }
        out.put("transform_runs", transformSeconds.length);
        out.put("transform_rows_per_second_by_precision", byPrecision);
        out.put("cached_bytes", s.cachedBytes());
        out.put("raw_float32_bytes", s.rawFloat32Bytes());
        out.put("cache_ratio", (double) s.cachedBytes() / s.rawFloat32Bytes());
        System.out.println(BenchArgs.json(out));
        spark.stop();
    }

    /** Seconds to transform {@code rows} into the noop sink (every row computed, nothing stored). */
    private static double transformSeconds(VariationalAutoencoderModel model, Dataset<Row> rows) {
        long start = System.nanoTime();
        model.transform(rows).write().format("noop").mode("overwrite").save();
        return (System.nanoTime() - start) / 1e9;
    }
}
