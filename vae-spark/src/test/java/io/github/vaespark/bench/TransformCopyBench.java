package io.github.vaespark.bench;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code transform} against a plain Parquet copy of the same input, per input type and width:
 * for each, alternating runs of copy, transform (latent mean and reconstruction) and transform
 * (latent mean only), each reading the Parquet input and writing Parquet, and two floors: the input
 * plus the same output columns (both, then the latent mean alone) made by Spark's own functions
 * without a model, i.e. what writing those columns costs at all; then {@code sample} to Parquet
 * against writing as many rows of as many {@code rand()} values. Prints rows/s, the ratios of
 * times (transform / copy, transform / floor) as medians, the CPU and the BLAS. Not a unit test.
 * Usage: TransformCopyBench [--rows N] [--dims "32 128 784"] [--kinds "array vector"] [--runs N]
 * [--sampleRows N (0: no sampling comparison)] [--dir DIR]
 */
public final class TransformCopyBench {
    private TransformCopyBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "rows", "400000", "dims", "32 128 784", "kinds", "array vector",
                "runs", "3", "sampleRows", "1000000", "dir", "out/transform-bench", "master", "local[2]");
        SparkSession spark = BenchArgs.session(a.get("master"), "vae-spark transform vs copy", "");
        long rows = Long.parseLong(a.get("rows"));
        Path dir = Path.of(a.get("dir")).toAbsolutePath();
        Files.createDirectories(dir);
        System.out.printf("machine: %s, %d cores; vae-spark BLAS: %s; %d rows, local[2]%n", cpuModel(),
                Runtime.getRuntime().availableProcessors(), NativeBlas.ensureLoaded(), rows);
        for (String d : a.get("dims").split(" ")) {
            int dim = Integer.parseInt(d);
            String arrays = dir.resolve("input-array-" + dim).toString();
            write(arrays(spark, rows, dim), arrays);
            VariationalAutoencoderModel model = new VariationalAutoencoder().setEncoderLayers(new int[] {256, 128})
                    .setLatentDim(16).setMaxEpochs(1).setBatchSize(1024)
                    .fit(spark.read().parquet(arrays).limit(20_000));
            for (String kind : a.get("kinds").split(" ")) {
                String input = arrays;
                if (kind.equals("vector")) {
                    input = dir.resolve("input-vector-" + dim).toString();
                    write(spark.read().parquet(arrays).select(functions.col("id"),
                            org.apache.spark.ml.functions.array_to_vector(functions.col("features")).as("features")),
                            input);
                }
                run(spark, model, input, dir, rows, kind + " " + dim, Integer.parseInt(a.get("runs")));
            }
            long sampleRows = Long.parseLong(a.get("sampleRows"));
            if (sampleRows > 0) {  // --sampleRows 0 leaves the sampling comparison out
                sample(spark, model, sampleRows, dir, dim);
            }
        }
        spark.stop();
    }

    private static void run(SparkSession spark, VariationalAutoencoderModel model, String input, Path dir, long rows,
                            String label, int runs) {
        VariationalAutoencoderModel latentOnly = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setReconstructionCol("");
        double[] both = new double[runs];
        double[] latent = new double[runs];
        double[] overFloor = new double[runs];
        double[] latentOverFloor = new double[runs];
        for (int r = 0; r < runs; r++) {
            double copy = time(() -> write(spark.read().parquet(input), dir.resolve("copy").toString()));
            double floor = time(() -> write(sameColumnsWithoutModel(spark.read().parquet(input), model.getLatentDim()),
                    dir.resolve("floor").toString()));
            double t1 = time(() -> write(model.transform(spark.read().parquet(input)), dir.resolve("t1").toString()));
            double t2 = time(() -> write(latentOnly.transform(spark.read().parquet(input)), dir.resolve("t2").toString()));
            double latentFloor = time(() -> write(sameColumnsWithoutModel(spark.read().parquet(input),
                    model.getLatentDim()).drop("reconstruction"), dir.resolve("floor-latent").toString()));
            both[r] = t1 / copy;
            latent[r] = t2 / copy;
            overFloor[r] = t1 / floor;
            latentOverFloor[r] = t2 / latentFloor;
            System.out.printf("%s run %d: copy %.0f rows/s, transform (mean+reconstruction) %.0f rows/s (%.2fx the "
                    + "copy's time), transform (mean only) %.0f rows/s (%.2fx)%n", label, r, rows / copy, rows / t1,
                    both[r], rows / t2, latent[r]);
            System.out.printf("%s run %d: the same output columns without a model (Spark functions on the input) %.0f "
                    + "rows/s = %.2fx the copy's time; transform (mean+reconstruction) takes %.2fx that%n", label, r,
                    rows / floor, floor / copy, overFloor[r]);
            System.out.printf("%s run %d: the latent mean column alone without a model %.0f rows/s = %.2fx the copy's "
                    + "time; transform (mean only) takes %.2fx that%n", label, r, rows / latentFloor, latentFloor / copy,
                    latentOverFloor[r]);
        }
        System.out.printf("%s: median time ratio to copy: mean+reconstruction %.2fx, mean only %.2fx; "
                + "to the same columns without a model: mean+reconstruction %.2fx, mean only %.2fx%n", label,
                median(both), median(latent), median(overFloor), median(latentOverFloor));
    }

    /**
     * The input with vector columns shaped like transform's latent mean and reconstruction, made by
     * Spark's own functions from the features: what writing those columns costs without a model.
     */
    private static Dataset<Row> sameColumnsWithoutModel(Dataset<Row> input, int latentDim) {
        boolean vectors = input.schema().apply("features").dataType() instanceof org.apache.spark.ml.linalg.VectorUDT;
        Column values = vectors ? org.apache.spark.ml.functions.vector_to_array(
                functions.col("features"), "float64") : functions.col("features");
        return input.withColumn("latentMean", org.apache.spark.ml.functions.array_to_vector(
                        functions.slice(values, 1, latentDim)))
                .withColumn("reconstruction", org.apache.spark.ml.functions.array_to_vector(values));
    }

    private static void sample(SparkSession spark, VariationalAutoencoderModel model, long n, Path dir, int dim) {
        int latentDim = model.layout().latentDim();
        double[] ratios = new double[3];
        for (int r = 0; r < ratios.length; r++) {
            double s = time(() -> write(model.sample(spark, n, 7), dir.resolve("sample").toString()));
            List<Column> latent = new ArrayList<>();
            List<Column> values = new ArrayList<>();
            for (int i = 0; i < latentDim; i++) {
                latent.add(functions.rand(i));
            }
            for (int i = 0; i < dim; i++) {
                values.add(functions.rand(1000 + i));
            }
            double rand = time(() -> write(spark.range(n).select(functions.col("id"),
                    org.apache.spark.ml.functions.array_to_vector(functions.array(latent.toArray(new Column[0])))
                            .as("latent"),
                    org.apache.spark.ml.functions.array_to_vector(functions.array(values.toArray(new Column[0])))
                            .as("sample")), dir.resolve("rand").toString()));
            ratios[r] = s / rand;
            System.out.printf("sample %d x %d: %.0f rows/s; rand() columns %.0f rows/s; %.2fx the time%n", n, dim,
                    n / s, n / rand, ratios[r]);
        }
        System.out.printf("sample %d: median time ratio to rand() columns %.2fx%n", dim, median(ratios));
    }

    private static Dataset<Row> arrays(SparkSession spark, long rows, int dim) {
        Column[] values = new Column[dim];
        for (int i = 0; i < dim; i++) {
            values[i] = functions.rand(i).cast("float");
        }
        return spark.range(0, rows, 1, 8).select(functions.col("id"), functions.array(values).as("features"));
    }

    private static void write(Dataset<Row> rows, String path) {
        rows.write().mode("overwrite").parquet(path);
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String cpuModel() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }
}
