package io.github.vaespark.bench;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.ml.EpochSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Table models at scale on {@link WideTables} (20 mixed columns with nulls): {@code --mode transform}
 * times transform to Parquet (latent mean only; with imputed columns and column scores) against a
 * plain Parquet copy of the same rows, alternating; {@code --mode train}
 * fits on {@code --rows} rows (generated and written to Parquet first, then read back as a user's
 * table would be) and reports the whole fit's time, the per-epoch rows/s and the share of each
 * epoch spent outside the executors' computation; {@code --mode sample} writes {@code --rows}
 * generated rows to Parquet and, for scale, the same number of rows of 20 {@code rand()} columns
 * (run it with a small heap to show nothing proportional to the rows stays on the driver).
 */
public final class TabularScaleBench {
    private TabularScaleBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "mode", "train", "rows", "1000000", "epochs", "2",
                "batch", "1024", "layers", "128,128", "latent", "16", "master", "local[2]", "dir", "/tmp/vae-tabular-bench",
                "model-rows", "20000", "maskRate", "0");
        SparkSession spark = BenchArgs.session(a.get("master"), "tabular-scale", "");
        long rows = Long.parseLong(a.get("rows"));
        String dir = a.get("dir");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "vae-spark");
        out.put("mode", a.get("mode"));
        out.put("cpu", TabularQualityBench.cpuModel());
        out.put("blas_library", NativeBlas.ensureLoaded());
        out.put("master", a.get("master"));
        out.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        out.put("rows", rows);
        out.put("mask_rate", Double.parseDouble(a.get("maskRate")));
        String[] columns = WideTables.SCHEMA.fieldNames();
        VariationalAutoencoder estimator = new VariationalAutoencoder().setInputCols(columns)
                .setLatentDim(Integer.parseInt(a.get("latent")))
                .setEncoderLayers(java.util.Arrays.stream(a.get("layers").split(",")).mapToInt(Integer::parseInt)
                        .toArray())
                .setBatchSize(Integer.parseInt(a.get("batch"))).setMaxEpochs(Integer.parseInt(a.get("epochs")))
                .setStepSize(2e-3).setSeed(1).setMaskRate(Double.parseDouble(a.get("maskRate")));
        if (a.get("mode").equals("train")) {
            String input = dir + "/wide-" + rows + ".parquet";
            WideTables.generate(spark, rows, 1, spark.sparkContext().defaultParallelism()).write().mode("overwrite")
                    .parquet(input);
            Dataset<Row> table = spark.read().parquet(input);
            List<EpochSummary> history = new java.util.ArrayList<>();
            estimator.addTrainingListener(new io.github.vaespark.ml.TrainingListener() {
                @Override
                public void onEpochEnd(EpochSummary summary, int maxEpochs) {
                    history.add(summary);
                }
            });
            long t0 = System.nanoTime();
            VariationalAutoencoderModel model = estimator.fit(table);
            double fit = (System.nanoTime() - t0) / 1e9;
            double epochs = history.stream().mapToDouble(EpochSummary::seconds).sum();
            EpochSummary last = history.get(history.size() - 1);
            out.put("layout", model.layout().describe());
            out.put("parameters", model.layout().numParams());
            out.put("batch", estimator.getBatchSize());
            out.put("epochs", history.size());
            out.put("fit_seconds", fit);
            out.put("before_epochs_seconds", fit - epochs);
            out.put("fit_rows_per_second", rows * history.size() / fit);
            out.put("last_epoch_rows_per_second", last.rowsPerSecond());
            out.put("last_epoch_overhead_fraction", last.overheadFraction());
            out.put("last_epoch_exchange_seconds", last.exchangeSeconds());
            out.put("last_epoch_update_seconds", last.updateSeconds());
            out.put("last_epoch_compute_seconds", last.computeSeconds());
            out.put("last_epoch_seconds", last.seconds());
            out.put("exchange_mode", last.exchangeMode());
        } else if (a.get("mode").equals("transform")) {
            String input = dir + "/wide-" + rows + ".parquet";
            WideTables.generate(spark, rows, 1, spark.sparkContext().defaultParallelism()).write().mode("overwrite")
                    .parquet(input);
            VariationalAutoencoderModel model = estimator.setMaxEpochs(1).fit(WideTables.generate(spark,
                    Long.parseLong(a.get("model-rows")), 2, spark.sparkContext().defaultParallelism()));
            String[] imputed = java.util.Arrays.stream(columns).map(c -> c + "_i").toArray(String[]::new);
            Map<String, VariationalAutoencoderModel> variants = new LinkedHashMap<>();
            variants.put("mean_only", model.copy(new org.apache.spark.ml.param.ParamMap()).setReconstructionCol(""));
            variants.put("mean_imputed_scores", model.copy(new org.apache.spark.ml.param.ParamMap())
                    .setReconstructionCol("").setImputedCols(imputed).setColumnScoresCol("scores"));
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                spark.read().parquet(input).write().mode("overwrite").parquet(dir + "/copy.parquet");
                double copy = (System.nanoTime() - t0) / 1e9;
                out.put("copy_rows_per_second_" + rep, rows / copy);
                for (Map.Entry<String, VariationalAutoencoderModel> v : variants.entrySet()) {
                    long t1 = System.nanoTime();
                    v.getValue().transform(spark.read().parquet(input)).write().mode("overwrite")
                            .parquet(dir + "/transformed.parquet");
                    double seconds = (System.nanoTime() - t1) / 1e9;
                    out.put(v.getKey() + "_rows_per_second_" + rep, rows / seconds);
                    out.put(v.getKey() + "_ratio_" + rep, seconds / copy);
                }
            }
        } else {
            long modelRows = Long.parseLong(a.get("model-rows"));
            VariationalAutoencoderModel model = estimator.setMaxEpochs(1)
                    .fit(WideTables.generate(spark, modelRows, 1, spark.sparkContext().defaultParallelism()));
            for (int rep = 0; rep < 2; rep++) {
                long t0 = System.nanoTime();
                model.sample(spark, rows, 5).write().mode("overwrite").parquet(dir + "/synthetic.parquet");
                double sample = (System.nanoTime() - t0) / 1e9;
                Column[] rand = new Column[columns.length];
                for (int i = 0; i < rand.length; i++) {
                    rand[i] = functions.rand(i).as("r" + i);
                }
                long t1 = System.nanoTime();
                spark.range(0, rows, 1, spark.sparkContext().defaultParallelism()).select(rand).write()
                        .mode("overwrite").parquet(dir + "/rand.parquet");
                double random = (System.nanoTime() - t1) / 1e9;
                out.put("sample_seconds_" + rep, sample);
                out.put("rand_seconds_" + rep, random);
                out.put("sample_rows_per_second_" + rep, rows / sample);
                out.put("ratio_" + rep, sample / random);
            }
            out.put("synthetic_rows_written", spark.read().parquet(dir + "/synthetic.parquet").count());
        }
        System.out.println(BenchArgs.json(out));
        spark.stop();
    }
}
