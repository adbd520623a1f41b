package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.github.vaespark.cli.VaeJobTestAccess;
import io.github.vaespark.nn.Float64Kernels;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exported ONNX graphs, run by ONNX Runtime, give what {@code transform} gives on the same
 * rows (float32 tolerance), with a symbolic batch dimension and the contract's names and shapes.
 */
class OnnxExportTest {
    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();
    private static Dataset<Row> data;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() {
        data = SyntheticData.manifold(400, 0.05, 3, 2).cache();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"gaussian, tanh", "bernoulli, relu", "gaussian, sigmoid"})
    void onnxRuntimeReproducesTransform(String likelihood, String activation) throws Exception {
        Dataset<Row> input = likelihood.equals("bernoulli") ? squashed() : data;
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLikelihood(likelihood)
                .setActivation(activation).setEncoderLayers(new int[] {16, 8}).setLatentDim(3).setMaxEpochs(3)
                .setSeed(5).fit(input);
        Path dir = tmp.resolve(likelihood + "-" + activation);
        model.exportOnnx(dir.toString());

        List<Row> rows = model.transform(input).select("features", "latentMean", "reconstruction").limit(37)
                .collectAsList();
        float[][] x = new float[rows.size()][];
        for (int r = 0; r < x.length; r++) {
            x[r] = floats((Vector) rows.get(r).get(0));
        }
        try (OrtSession encoder = ORT.createSession(dir.resolve("encoder.onnx").toString());
             OrtSession decoder = ORT.createSession(dir.resolve("decoder.onnx").toString());
             OnnxTensor features = OnnxTensor.createTensor(ORT, x);
             OrtSession.Result encoded = encoder.run(Map.of("features", features))) {
            assertSymbolicBatch(encoder.getInputInfo().get("features"), SyntheticData.DIM);
            assertSymbolicBatch(encoder.getOutputInfo().get("latent_mean"), 3);
            assertSymbolicBatch(encoder.getOutputInfo().get("latent_log_variance"), 3);
            assertSymbolicBatch(decoder.getInputInfo().get("latent"), 3);
            assertSymbolicBatch(decoder.getOutputInfo().get("reconstruction"), SyntheticData.DIM);
            float[][] mean = (float[][]) encoded.get("latent_mean").get().getValue();
            float[][] logVariance = (float[][]) encoded.get("latent_log_variance").get().getValue();
            double[][] head = headOf(model, x);
            try (OnnxTensor latent = OnnxTensor.createTensor(ORT, mean);
                 OrtSession.Result decoded = decoder.run(Map.of("latent", latent))) {
                float[][] reconstruction = (float[][]) decoded.get("reconstruction").get().getValue();
                for (int r = 0; r < x.length; r++) {
                    assertClose(((Vector) rows.get(r).get(1)).toArray(), mean[r], "latent mean, row " + r);
                    assertClose(java.util.Arrays.copyOfRange(head[r], 3, 6), logVariance[r], "log variance, row " + r);
                    assertClose(((Vector) rows.get(r).get(2)).toArray(), reconstruction[r], "reconstruction, row " + r);
                }
            }
        }
    }

    /** A table model's graphs, fed the encoded rows, give transform's latent mean and decoder mean. */
    @Test
    void tableModelGraphsReproduceTransformOnEncodedRows() throws Exception {
        Dataset<Row> table = TabularModelTest.table(300, 13).cache();
        VariationalAutoencoderModel model = new VariationalAutoencoder().setInputCols(TabularModelTest.COLUMNS)
                .setEncoderLayers(new int[] {16}).setLatentDim(3).setMaxEpochs(3).setSeed(5).fit(table);
        Path dir = tmp.resolve("table");
        model.exportOnnx(dir.toString());
        TableRows reader = new TableRows(model.tableColumns(), false, false);
        List<Row> rows = model.transform(table).limit(41).collectAsList();
        float[][] x = new float[rows.size()][];
        for (int r = 0; r < x.length; r++) {
            Row row = rows.get(r);
            Object[] cells = reader.columns().stream().map(c -> row.get(row.fieldIndex(c))).toArray();
            double[] encoded = new double[reader.dim()];
            assertTrue(reader.read(org.apache.spark.sql.RowFactory.create(cells), new RowPlace(-1).at(r), encoded));
            x[r] = new float[encoded.length];
            for (int i = 0; i < encoded.length; i++) {
                x[r][i] = (float) encoded[i];
            }
        }
        try (OrtSession encoder = ORT.createSession(dir.resolve("encoder.onnx").toString());
             OrtSession decoder = ORT.createSession(dir.resolve("decoder.onnx").toString());
             OnnxTensor features = OnnxTensor.createTensor(ORT, x);
             OrtSession.Result encoded = encoder.run(Map.of("features", features))) {
            assertSymbolicBatch(decoder.getOutputInfo().get("reconstruction"), model.numFeatures());
            float[][] mean = (float[][]) encoded.get("latent_mean").get().getValue();
            try (OnnxTensor latent = OnnxTensor.createTensor(ORT, mean);
                 OrtSession.Result decoded = decoder.run(Map.of("latent", latent))) {
                float[][] reconstruction = (float[][]) decoded.get("reconstruction").get().getValue();
                for (int r = 0; r < x.length; r++) {
                    assertClose(rows.get(r).<Vector>getAs("latentMean").toArray(), mean[r], "latent mean, row " + r);
                    assertClose(rows.get(r).<Vector>getAs("reconstruction").toArray(), reconstruction[r],
                            "decoder mean, row " + r);
                }
            }
        }
        table.unpersist();
    }

    /**
     * A conditional table model's graphs take the encoded condition columns as a second input,
     * {@code condition}, and give transform's latent mean and decoder mean; the condition matters.
     */
    @Test
    void conditionalModelGraphsTakeTheCondition() throws Exception {
        Dataset<Row> table = TabularModelTest.table(300, 17).where(org.apache.spark.sql.functions.col("segment")
                .isNotNull()).cache();
        VariationalAutoencoderModel model = new VariationalAutoencoder()
                .setInputCols(new String[] {"score", "income", "active"}).setConditionCols(new String[] {"segment"})
                .setEncoderLayers(new int[] {16}).setLatentDim(3).setMaxEpochs(3).setSeed(5).fit(table);
        Path dir = tmp.resolve("conditional");
        model.exportOnnx(dir.toString());
        TableRows reader = new TableRows(model.tableColumns(), false, false);
        int featureDim = model.tableColumns().featureDim();
        int conditionDim = model.tableColumns().conditionDim();
        List<Row> rows = model.transform(table).limit(29).collectAsList();
        float[][] x = new float[rows.size()][featureDim];
        float[][] c = new float[rows.size()][conditionDim];
        float[][] otherC = new float[rows.size()][conditionDim];
        for (int r = 0; r < x.length; r++) {
            Row row = rows.get(r);
            Object[] cells = reader.columns().stream().map(name -> row.get(row.fieldIndex(name))).toArray();
            double[] encoded = new double[reader.dim()];
            assertTrue(reader.read(org.apache.spark.sql.RowFactory.create(cells), new RowPlace(-1).at(r), encoded));
            for (int i = 0; i < featureDim; i++) {
                x[r][i] = (float) encoded[i];
            }
            for (int i = 0; i < conditionDim; i++) {
                c[r][i] = (float) encoded[featureDim + i];
                otherC[r][(i + 1) % conditionDim] = c[r][i];  // another level of the segment
            }
        }
        try (OrtSession encoder = ORT.createSession(dir.resolve("encoder.onnx").toString());
             OrtSession decoder = ORT.createSession(dir.resolve("decoder.onnx").toString());
             OnnxTensor features = OnnxTensor.createTensor(ORT, x);
             OnnxTensor condition = OnnxTensor.createTensor(ORT, c);
             OnnxTensor other = OnnxTensor.createTensor(ORT, otherC);
             OrtSession.Result encoded = encoder.run(Map.of("features", features, "condition", condition))) {
            assertSymbolicBatch(encoder.getInputInfo().get("condition"), conditionDim);
            assertSymbolicBatch(decoder.getInputInfo().get("condition"), conditionDim);
            float[][] mean = (float[][]) encoded.get("latent_mean").get().getValue();
            try (OnnxTensor latent = OnnxTensor.createTensor(ORT, mean);
                 OrtSession.Result decoded = decoder.run(Map.of("latent", latent, "condition", condition));
                 OrtSession.Result elsewhere = decoder.run(Map.of("latent", latent, "condition", other))) {
                float[][] reconstruction = (float[][]) decoded.get("reconstruction").get().getValue();
                float[][] moved = (float[][]) elsewhere.get("reconstruction").get().getValue();
                double change = 0;
                for (int r = 0; r < x.length; r++) {
                    assertClose(rows.get(r).<Vector>getAs("latentMean").toArray(), mean[r], "latent mean, row " + r);
                    assertClose(rows.get(r).<Vector>getAs("reconstruction").toArray(), reconstruction[r],
                            "decoder mean, row " + r);
                    for (int i = 0; i < featureDim; i++) {
                        change += Math.abs(moved[r][i] - reconstruction[r][i]);
                    }
                }
                assertTrue(change > 1e-3, "the decoder's output depends on the condition input: " + change);
            }
        }
        table.unpersist();
    }

    @Test
    void theCliExportsAndRefusesToOverwriteWithoutTheFlag() throws Exception {
        VariationalAutoencoderModel model = new VariationalAutoencoder().setLatentDim(2).setMaxEpochs(1).fit(data);
        String saved = tmp.resolve("cli-model").toString();
        model.write().overwrite().save(saved);
        String out = tmp.resolve("cli-onnx").toString();
        assertEquals(0, VaeJobTestAccess.run("export-onnx", "--model", saved, "--output", out), "export");
        assertTrue(Files.size(Path.of(out, "encoder.onnx")) > 0 && Files.size(Path.of(out, "decoder.onnx")) > 0);
        assertTrue(VaeJobTestAccess.run("export-onnx", "--model", saved, "--output", out) != 0, "refused");
        assertEquals(0, VaeJobTestAccess.run("export-onnx", "--model", saved, "--output", out, "--overwrite"));
        try (OrtSession s = ORT.createSession(Path.of(out, "encoder.onnx").toString())) {
            assertEquals(List.of("features"), List.copyOf(s.getInputNames()));
        }
    }

    private static Dataset<Row> squashed() {
        org.apache.spark.sql.Column logistic = org.apache.spark.sql.functions.transform(
                org.apache.spark.ml.functions.vector_to_array(org.apache.spark.sql.functions.col("features"), "float64"),
                v -> org.apache.spark.sql.functions.lit(1.0).divide(
                        org.apache.spark.sql.functions.lit(1.0).plus(org.apache.spark.sql.functions.exp(v.multiply(-1)))));
        return data.select(org.apache.spark.ml.functions.array_to_vector(logistic).as("features"));
    }

    /** [μ; log σ²] of every row, computed by the network on the driver in double. */
    private static double[][] headOf(VariationalAutoencoderModel model, float[][] x) {
        VaeNetwork<double[]> net = new VaeNetwork<>(model.layout(), Float64Kernels.INSTANCE);
        Workspace<double[]> ws = net.newWorkspace(x.length);
        var in = ws.input(x.length);
        for (int r = 0; r < x.length; r++) {
            double[] row = new double[x[r].length];
            for (int i = 0; i < row.length; i++) {
                row[i] = x[r][i];
            }
            Float64Kernels.INSTANCE.setColumn(in, r, row);
        }
        var head = net.encode(model.weights(), in, ws);
        double[][] out = new double[x.length][head.rows()];
        for (int r = 0; r < x.length; r++) {
            Float64Kernels.INSTANCE.getColumn(head, r, out[r]);
        }
        return out;
    }

    private static void assertSymbolicBatch(NodeInfo info, int width) {
        TensorInfo t = (TensorInfo) info.getInfo();
        assertArrayEquals(new long[] {-1, width}, t.getShape(), info.getName());
        assertEquals("batch", t.getDimensionNames()[0], info.getName());
        assertEquals(ai.onnxruntime.OnnxJavaType.FLOAT, t.type, info.getName());
    }

    private static float[] floats(Vector v) {
        double[] d = v.toArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), what + ", element " + i);
        }
    }
}
