package io.github.vaespark.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code transform} (latent mean and reconstruction, Spark local[2]) against ONNX Runtime running
 * the same model's exported encoder and decoder on the same rows with 2 intra-op threads,
 * alternating, on Fashion-MNIST's training images. Prints rows/s of each run and the median ratio.
 * Not a unit test. Usage: OnnxBench [--key value]...
 */
public final class OnnxBench {
    private OnnxBench() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = BenchArgs.parse(argv, "data", "/usr/share/datasets/fashion-mnist", "master",
                "local[2]", "runs", "3", "batch", "1024");
        SparkSession spark = BenchArgs.session(a.get("master"), "vae-spark ONNX benchmark", "");
        Dataset<Row> train = BenchArgs.fashionMnist(spark, a.get("data"), "train", 0);
        long rows = train.count();
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLikelihood("bernoulli")
                .setEncoderLayers(new int[] {512, 256}).setLatentDim(20).setBatchSize(1024).setMaxEpochs(1)
                .fit(train);
        Path dir = Files.createTempDirectory("vae-onnx-bench");
        model.exportOnnx(dir.toString(), true);
        List<Row> collected = train.select("features").collectAsList();
        float[][] x = new float[collected.size()][];
        for (int r = 0; r < x.length; r++) {
            double[] d = ((Vector) collected.get(r).get(0)).toArray();
            x[r] = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                x[r][i] = (float) d[i];
            }
        }
        System.out.printf("machine: %s; vae-spark %s; ONNX Runtime %s%n", cpuModel(), NativeBlas.ensureLoaded(),
                OrtEnvironment.getEnvironment().getVersion());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(2);
        int batch = Integer.parseInt(a.get("batch"));
        double[] ratios = new double[Integer.parseInt(a.get("runs"))];
        try (OrtSession encoder = env.createSession(dir.resolve("encoder.onnx").toString(), options);
             OrtSession decoder = env.createSession(dir.resolve("decoder.onnx").toString(), options)) {
            for (int run = 0; run < ratios.length; run++) {
                long t = System.nanoTime();
                model.transform(train).write().format("noop").mode("overwrite").save();
                double spark1 = rows / ((System.nanoTime() - t) / 1e9);
                t = System.nanoTime();
                for (int from = 0; from < x.length; from += batch) {
                    float[][] chunk = java.util.Arrays.copyOfRange(x, from, Math.min(x.length, from + batch));
                    try (OnnxTensor in = OnnxTensor.createTensor(env, chunk);
                         OrtSession.Result e = encoder.run(Map.of("features", in));
                         OnnxTensor z = OnnxTensor.createTensor(env, (float[][]) e.get("latent_mean").get().getValue());
                         OrtSession.Result d = decoder.run(Map.of("latent", z))) {
                        d.get(0).getValue();
                    }
                }
                double ort = x.length / ((System.nanoTime() - t) / 1e9);
                ratios[run] = spark1 / ort;
                System.out.printf("run %d: transform %.0f rows/s, ONNX Runtime %.0f rows/s, ratio %.2f%n", run, spark1,
                        ort, ratios[run]);
            }
        }
        java.util.Arrays.sort(ratios);
        System.out.printf("median ratio transform / ONNX Runtime: %.2f%n", ratios[ratios.length / 2]);
        spark.stop();
    }

    private static String cpuModel() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }
}
