package io.github.vaespark.bench;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.ml.MixedTables;
import io.github.vaespark.ml.QualityReport;
import io.github.vaespark.ml.SyntheticDataQuality;
import io.github.vaespark.ml.TableMeasures;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Quality of table models on a generated table with known structure ({@code --table mixed}) or on
 * Palmer penguins ({@code --table penguins}, trained on one half, the other half the fresh real
 * sample): column shapes and pair dependence of sampled rows against the independent-columns
 * baseline and a fresh real sample, null-rate gaps, imputation against mean/mode imputation, and
 * the anomaly score's AUC on injected anomalies. Prints one JSON line.
 *
 * <p>For a side-by-side with another generator ({@code scripts/tvae-baseline.sh}): {@code --export DIR}
 * also writes the training rows as one CSV file in {@code DIR/train} with their column types in
 * {@code DIR/types.txt}; {@code --synthetic FILE --impl NAME} fits nothing and scores that CSV file
 * (same header and types) against the same training rows and fresh sample instead of the model's
 * samples.
 */
public final class TabularQualityBench {
    private TabularQualityBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "table", "mixed", "rows", "10000", "epochs", "60",
                "batch", "256", "layers", "128,128", "latent", "8", "lr", "2e-3", "scaling", "quantile",
                "master", "local[2]", "seed", "1", "maskRate", "0", "export", "", "synthetic", "", "impl", "external");
        SparkSession spark = BenchArgs.session(a.get("master"), "tabular-quality", "");
        long seed = Long.parseLong(a.get("seed"));
        Dataset<Row> real;
        Dataset<Row> fresh;
        String[] columns;
        if (a.get("table").equals("penguins")) {
            Dataset<Row> all = MixedTables.penguins(spark).cache();
            Dataset<Row>[] halves = all.randomSplit(new double[] {0.5, 0.5}, seed);
            real = halves[0].cache();
            fresh = halves[1].cache();
            columns = all.columns();
        } else {
            long rows = Long.parseLong(a.get("rows"));
            real = MixedTables.generate(spark, rows, seed, 2).cache();
            fresh = MixedTables.generate(spark, rows, seed + 1000, 2).cache();
            columns = real.columns();
        }
        long n = real.count();
        fresh.count();
        if (!a.get("export").isEmpty()) {
            export(real, a.get("export"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (!a.get("synthetic").isEmpty()) {
            Dataset<Row> synthetic = spark.read().option("header", "true").option("mode", "FAILFAST")
                    .schema(real.schema()).csv(a.get("synthetic")).cache();
            out.put("impl", a.get("impl"));
            describe(out, a, n, synthetic.count());
            out.putAll(quality(real, fresh, synthetic, columns, seed));
            System.out.println(BenchArgs.json(out));
            spark.stop();
            return;
        }
        int[] layers = Arrays.stream(a.get("layers").split(",")).mapToInt(Integer::parseInt).toArray();
        VariationalAutoencoder estimator = new VariationalAutoencoder().setInputCols(columns)
                .setLatentDim(Integer.parseInt(a.get("latent"))).setEncoderLayers(layers)
                .setBatchSize(Integer.parseInt(a.get("batch"))).setMaxEpochs(Integer.parseInt(a.get("epochs")))
                .setStepSize(Double.parseDouble(a.get("lr"))).setContinuousScaling(a.get("scaling")).setSeed(seed)
                .setMaskRate(Double.parseDouble(a.get("maskRate")));
        long t0 = System.nanoTime();
        VariationalAutoencoderModel model = estimator.fit(real);
        double fitSeconds = (System.nanoTime() - t0) / 1e9;

        Dataset<Row> synthetic = model.sample(spark, n, seed + 7).drop("id").cache();
        out.put("impl", "vae-spark");
        describe(out, a, n, n);
        out.put("blas_library", NativeBlas.ensureLoaded());
        out.put("epochs", Integer.parseInt(a.get("epochs")));
        out.put("scaling", a.get("scaling"));
        out.put("mask_rate", Double.parseDouble(a.get("maskRate")));
        out.put("fit_seconds", fitSeconds);
        out.putAll(quality(real, fresh, synthetic, columns, seed));
        if (a.get("table").equals("mixed")) {
            out.putAll(TableMeasures.imputation(model, fresh));
            out.put("anomaly_auc", TableMeasures.anomalyAuc(model, fresh, seed));
            out.put("column_attribution", TableMeasures.columnAttribution(model, fresh, seed));
        } else {
            out.putAll(TableMeasures.penguinImputation(model, fresh));
        }
        System.out.println(BenchArgs.json(out));
        spark.stop();
    }

    private static void describe(Map<String, Object> out, Map<String, String> a, long rows, long sampled) {
        out.put("table", a.get("table"));
        out.put("seed", Long.parseLong(a.get("seed")));
        out.put("cpu", cpuModel());
        out.put("rows", rows);
        out.put("sampled_rows", sampled);
    }

    /** Column shapes and pair dependence of {@code synthetic} against the independent-columns floor and the fresh sample. */
    private static Map<String, Object> quality(Dataset<Row> real, Dataset<Row> fresh, Dataset<Row> synthetic,
                                               String[] columns, long seed) {
        QualityReport syn = SyntheticDataQuality.compare(real, synthetic, columns);
        QualityReport indep = SyntheticDataQuality.compare(real, SyntheticDataQuality.independentColumns(real, seed + 3),
                columns);
        QualityReport fr = SyntheticDataQuality.compare(real, fresh, columns);
        System.err.println("synthetic vs real:\n" + syn.format());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("column_shapes", syn.columnShapes());
        out.put("column_shapes_independent", indep.columnShapes());
        out.put("column_shapes_fresh", fr.columnShapes());
        out.put("pair_dependence", syn.pairDependence());
        out.put("pair_dependence_independent", indep.pairDependence());
        out.put("pair_dependence_fresh", fr.pairDependence());
        out.put("pair_gap_recovered", (syn.pairDependence() - indep.pairDependence())
                / (fr.pairDependence() - indep.pairDependence()));
        out.put("max_null_rate_gap", syn.maxNullRateGap());
        Map<String, Double> shapes = new LinkedHashMap<>();
        for (String c : columns) {
            shapes.put(c, syn.columnShape(c));
        }
        out.put("column_shape_each", shapes);
        return out;
    }

    /** The training rows as one CSV file under {@code dir/train} (nulls empty, NaN as NaN) and their types. */
    private static void export(Dataset<Row> real, String dir) throws java.io.IOException {
        real.coalesce(1).write().mode("overwrite").option("header", "true").csv(dir + "/train");
        StringBuilder types = new StringBuilder();
        for (org.apache.spark.sql.types.StructField f : real.schema().fields()) {
            types.append(types.length() == 0 ? "" : ",").append(f.name()).append(':')
                    .append(f.dataType().typeName().replace("integer", "int"));
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "types.txt"), types + "\n");
    }

    static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
