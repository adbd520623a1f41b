package io.github.vaespark.ml;

import static io.github.vaespark.ml.ConnectMlClient.operator;
import static io.github.vaespark.ml.ConnectMlClient.params;
import static io.github.vaespark.ml.ConnectMlClient.parquet;
import static io.github.vaespark.ml.ConnectMlClient.range;
import static io.github.vaespark.ml.ConnectMlClient.ref;
import static io.github.vaespark.ml.ConnectMlClient.transform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.connect.proto.Fetch;
import org.apache.spark.connect.proto.MlCommand;
import org.apache.spark.connect.proto.MlCommandResult;
import org.apache.spark.connect.proto.MlOperator.OperatorType;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkproject.connect.grpc.StatusRuntimeException;

/**
 * The stages driven from a Spark Connect client: Spark's own Connect server runs in-process on
 * the test session's SparkContext, and {@link ConnectMlClient} sends it the ML messages a PySpark
 * Connect client sends (Fit, Transform, Write, Read, Fetch, GetModelSize, Evaluate, Delete).
 * Results written by the server are checked with the ordinary session against the model's own
 * methods.
 */
class SparkConnectMlTest {
    private static final String VAE = VariationalAutoencoder.class.getName();
    private static final String MODEL = VariationalAutoencoderModel.class.getName();

    private static File dir;
    private static ConnectMlClient client;

    @BeforeAll
    static void startServer() throws Exception {
        SparkSession spark = SparkTestSession.get();
        dir = Files.createTempDirectory("vae-connect").toFile();
        SparkEnv.get().conf().set("spark.connect.grpc.binding.address", "127.0.0.1");
        SparkEnv.get().conf().set("spark.connect.grpc.binding.port", "0");
        SparkConnectService$.MODULE$.start(spark.sparkContext());
        client = new ConnectMlClient(SparkConnectService$.MODULE$.localPort());
        SyntheticData.manifold(600, 0.05, 3, 2).write().parquet(path("vectors"));
        TabularModelTest.table(600, 5).write().parquet(path("table"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        client.close();
        SparkConnectService$.MODULE$.stop(scala.Option.empty(), scala.Option.empty());
        Utils.deleteRecursively(dir);
        assertEquals(3, SparkTestSession.get().range(3).count(), "the shared session outlives the server");
    }

    private static String path(String name) {
        return new File(dir, name).getAbsolutePath();
    }

    private static String fit(Map<String, Object> estimatorParams, String data) {
        MlCommandResult fitted = client.ml(MlCommand.newBuilder().setFit(MlCommand.Fit.newBuilder()
                .setEstimator(operator(VAE, OperatorType.OPERATOR_TYPE_ESTIMATOR))
                .setParams(params(estimatorParams)).setDataset(parquet(path(data)))).build());
        String id = fitted.getOperatorInfo().getObjRef().getId();
        assertTrue(!id.isEmpty(), "Fit returns the cached model's reference");
        return id;
    }

    private static void save(String modelRef, String to) {
        client.ml(MlCommand.newBuilder().setWrite(MlCommand.Write.newBuilder().setObjRef(ref(modelRef))
                .setPath(to).setShouldOverwrite(true)).build());
    }

    private static List<Row> rows(Dataset<Row> d) {
        return d.orderBy("id").collectAsList();
    }

    @Test
    void vectorModelFitTransformSaveLoadSampleAndEvaluate() {
        SparkSession spark = SparkTestSession.get();
        String modelRef = fit(Map.of("featuresCol", "features", "latentDim", 2, "encoderLayers", new long[] {16},
                "maxEpochs", 3, "batchSize", 64, "stepSize", 3e-3, "seed", 7L, "likelihood", "GAUSSIAN"), "vectors");

        // Write (save) through Connect; the saved model is the reference for every check.
        save(modelRef, path("model"));
        VariationalAutoencoderModel model = VariationalAutoencoderModel.load(path("model"));
        assertEquals(2, model.getLatentDim());
        assertArrayEquals(new int[] {16}, model.getEncoderLayers());
        assertEquals("gaussian", model.getLikelihood());

        // Transform of the cached model, with a transform-time param, written out through Connect.
        client.writeParquet(transform(modelRef, parquet(path("vectors")), params(Map.of("latentColsPrefix", "mu"))),
                path("transformed"));
        Dataset<Row> viaConnect = spark.read().parquet(path("transformed"));
        Dataset<Row> local = model.setLatentColsPrefix("mu").transform(spark.read().parquet(path("vectors")));
        assertEquals(List.of(local.columns()), List.of(viaConnect.columns()));
        assertEquals(600, viaConnect.count());
        assertEquals(rows(local), rows(viaConnect), "the same rows as the saved model's own transform");

        // GetModelSize reports the model's estimatedSize.
        MlCommandResult size = client.ml(MlCommand.newBuilder().setGetModelSize(
                MlCommand.GetModelSize.newBuilder().setModelRef(ref(modelRef))).build());
        assertEquals(model.estimatedSize(), size.getParam().getLong());

        // Fetch: toString is allowed for every stage; model methods are refused by Spark's allow-list.
        MlCommandResult text = client.ml(MlCommand.newBuilder().setFetch(Fetch.newBuilder().setObjRef(ref(modelRef))
                .addMethods(Fetch.Method.newBuilder().setMethod("toString"))).build());
        assertEquals(model.toString(), text.getParam().getString());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> client.ml(MlCommand
                .newBuilder().setFetch(Fetch.newBuilder().setObjRef(ref(modelRef))
                        .addMethods(Fetch.Method.newBuilder().setMethod("numFeatures"))).build()));
        assertTrue(refused.getMessage().contains("numFeatures"), refused.getMessage());

        // Read (load) a saved model: a new cached reference, with the model's params in the answer.
        MlCommandResult read = client.ml(MlCommand.newBuilder().setRead(MlCommand.Read.newBuilder()
                .setOperator(operator(MODEL, OperatorType.OPERATOR_TYPE_MODEL)).setPath(path("model"))).build());
        String loadedRef = read.getOperatorInfo().getObjRef().getId();
        assertEquals(model.uid(), read.getOperatorInfo().getUid());
        assertEquals(2, read.getOperatorInfo().getParams().getParamsOrThrow("latentDim").getInteger());
        client.writeParquet(transform(loadedRef, parquet(path("vectors")), MlParams.getDefaultInstance()),
                path("transformed2"));
        assertEquals(rows(model.setLatentColsPrefix("").transform(spark.read().parquet(path("vectors")))),
                rows(spark.read().parquet(path("transformed2"))));

        // VaeSampler on a range relation: the rows sample(spark, n, seed) generates.
        client.writeParquet(transform(operator(VaeSampler.class.getName(), OperatorType.OPERATOR_TYPE_TRANSFORMER),
                range(50), params(Map.of("modelPath", path("model"), "seed", 11L))), path("samples"));
        Dataset<Row> samples = spark.read().parquet(path("samples"));
        assertEquals(List.of("id", "latent", "sample"), List.of(samples.columns()));
        assertEquals(rows(model.sample(spark, 50, 11)), rows(samples));

        // Evaluate: the IWAE log-likelihood estimate, and the ELBO of transformed rows.
        double logLikelihood = client.ml(MlCommand.newBuilder().setEvaluate(MlCommand.Evaluate.newBuilder()
                .setEvaluator(operator(VaeEvaluator.class.getName(), OperatorType.OPERATOR_TYPE_EVALUATOR))
                .setParams(params(Map.of("metricName", "logLikelihood", "modelPath", path("model"),
                        "logLikelihoodSamples", 8)))
                .setDataset(parquet(path("vectors")))).build()).getParam().getDouble();
        assertEquals(model.logLikelihood(spark.read().parquet(path("vectors")), 8), logLikelihood, 1e-9);
        double elbo = client.ml(MlCommand.newBuilder().setEvaluate(MlCommand.Evaluate.newBuilder()
                .setEvaluator(operator(VaeEvaluator.class.getName(), OperatorType.OPERATOR_TYPE_EVALUATOR))
                .setDataset(transform(modelRef, parquet(path("vectors")), params(Map.of("elboCol", "elbo")))))
                .build()).getParam().getDouble();
        assertTrue(elbo < 0 && elbo > logLikelihood - 50, "ELBO " + elbo + ", log-likelihood " + logLikelihood);

        // Delete: the reference is gone afterwards.
        client.ml(MlCommand.newBuilder().setDelete(MlCommand.Delete.newBuilder().addObjRefs(ref(loadedRef))).build());
        assertThrows(StatusRuntimeException.class, () -> client.writeParquet(transform(loadedRef,
                parquet(path("vectors")), MlParams.getDefaultInstance()), path("deleted")));
    }

    @Test
    void tableModelThroughConnect() {
        SparkSession spark = SparkTestSession.get();
        String modelRef = fit(Map.of("inputCols", TabularModelTest.COLUMNS, "latentDim", 2,
                "encoderLayers", new long[] {16}, "maxEpochs", 2, "batchSize", 100, "seed", 3L), "table");
        save(modelRef, path("tableModel"));
        VariationalAutoencoderModel model = VariationalAutoencoderModel.load(path("tableModel"));
        assertArrayEquals(TabularModelTest.COLUMNS, model.getInputCols());
        assertTrue(model.estimatedSize() > 8L * model.weights().length);

        client.writeParquet(transform(modelRef, parquet(path("table")),
                params(Map.of("imputedCols", new String[] {"s", "i", "g", "a", "v"}))), path("tableOut"));
        assertEquals(rows(model.setImputedCols(new String[] {"s", "i", "g", "a", "v"})
                .transform(spark.read().parquet(path("table")))), rows(spark.read().parquet(path("tableOut"))));

        client.writeParquet(transform(operator(VaeSampler.class.getName(), OperatorType.OPERATOR_TYPE_TRANSFORMER),
                range(40), params(Map.of("modelPath", path("tableModel"), "seed", 2L))), path("tableSamples"));
        assertEquals(rows(model.sample(spark, 40, 2)), rows(spark.read().parquet(path("tableSamples"))));
    }
}
