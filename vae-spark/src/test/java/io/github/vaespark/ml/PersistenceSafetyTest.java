package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vaespark.SparkTestSession;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading refuses incomplete, truncated, foreign or inconsistent directories with a clear error. */
class PersistenceSafetyTest {
    private static VariationalAutoencoderModel model;
    private static VariationalAutoencoderModel other;
    private static Dataset<Row> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void train() {
        data = SyntheticData.manifold(200, 0.1, 1, 2);
        model = new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(1).fit(data);
        other = new VariationalAutoencoder().setLatentDim(3).setEncoderLayers(new int[] {8}).setMaxEpochs(1).fit(data);
    }

    private Path saved(String name) throws IOException {
        Path p = tmp.resolve(name);
        model.write().save(p.toString());
        return p;
    }

    @Test
    void missingMetadataOrWeights() throws IOException {
        Path noMetadata = saved("no-metadata");
        deleteTree(noMetadata.resolve("metadata"));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(noMetadata.toString()),
                "metadata does not exist");
        Path noData = saved("no-data");
        deleteTree(noData.resolve("data"));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(noData.toString()),
                "Cannot load the weights");
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(tmp.resolve("nothing").toString()),
                "does not exist");
    }

    @Test
    void truncatedFiles() throws IOException {
        Path truncatedJson = saved("truncated-json");
        truncate(truncatedJson.resolve("metadata/part-00000"), 40);
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(truncatedJson.toString()),
                "metadata is unreadable (truncated or corrupt?)");
        deleteCrcFiles(truncatedJson.resolve("metadata"));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(truncatedJson.toString()),
                "not valid JSON");
        Path truncatedParquet = saved("truncated-parquet");
        try (Stream<Path> files = Files.list(truncatedParquet.resolve("data"))) {
            Path parquet = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            truncate(parquet, Files.size(parquet) / 2);
        }
        deleteCrcFiles(truncatedParquet.resolve("data"));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(truncatedParquet.toString()),
                "Cannot load the weights");
    }

    @Test
    void anotherClassOrMismatchedWeights() throws IOException {
        Path pca = tmp.resolve("pca");
        new PCA().setInputCol("features").setK(2).fit(data).write().save(pca.toString());
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(pca.toString()),
                "PCAModel", "not a io.github.vaespark.ml.VariationalAutoencoderModel");
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoder.load(saved("model-as-estimator").toString()),
                "VariationalAutoencoderModel, not a io.github.vaespark.ml.VariationalAutoencoder");

        Path mixed = saved("mixed");
        Path otherPath = tmp.resolve("other");
        other.write().save(otherPath.toString());
        deleteTree(mixed.resolve("data"));
        Files.move(otherPath.resolve("data"), mixed.resolve("data"));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(mixed.toString()), "metadata requires");

        // Both intact copies still load and agree.
        assertEquals(model.layout(), VariationalAutoencoderModel.load(saved("intact").toString()).layout());
    }

    @Test
    void metadataClaimingAHugeNetworkFailsBeforeAllocating() throws IOException {
        // 1.6e9 parameters (12.8 GB of doubles): a layer wider than any stored model may declare.
        Path wide = saved("wide");
        editMetadata(wide, json -> {
            setLayers(json, 50_000_000);
            details(json).put("numParams", 1_600_000_136L);
        });
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(wide.toString()),
                "encoderLayers entry = 50000000", wide.toString());

        // 1.8e9 parameters within the width bound, metadata self-consistent: the small tensors stored tell.
        Path big = saved("big");
        long[] numParams = {0};
        editMetadata(big, json -> {
            setLayers(json, 30_000);
            details(json).put("inputDim", 30_000);
            numParams[0] = new VariationalAutoencoder().setEncoderLayers(new int[] {30_000})
                    .setDecoderLayers(new int[] {30_000}).setLatentDim(2).layoutFor(30_000).numParams();
            details(json).put("numParams", numParams[0]);
        });
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(big.toString()),
                "Tensor 'encoder.0.weight'", "requires 30000x30000", big.toString());

        // The recorded parameter count disagrees with the shape.
        Path inconsistent = saved("inconsistent");
        editMetadata(inconsistent, json -> details(json).put("numParams", 7));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(inconsistent.toString()),
                "records 7 parameters", inconsistent.toString());
    }

    @Test
    void duplicateTensorNamesAreRejected() throws IOException {
        // The extra copy of encoder.0.bias holds zeros; a last-wins reader would load it silently.
        Path duplicated = saved("duplicated");
        editWeights(duplicated, stored -> stored.union(stored.filter(col("name").equalTo("encoder.0.bias"))
                .withColumn("values", org.apache.spark.sql.functions.expr("transform(values, v -> 0D)"))));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(duplicated.toString()),
                "'encoder.0.bias' more than once", duplicated.toString());
    }

    @Test
    void tensorsOfTheWrongSizeAreRejected() throws IOException {
        Path shortValues = saved("short-values");
        editWeights(shortValues, stored -> stored.withColumn("values", when(col("name").equalTo("decoder.0.weight"),
                slice(col("values"), 1, 3)).otherwise(col("values"))));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(shortValues.toString()),
                "Tensor 'decoder.0.weight'", "with 3 values", shortValues.toString());

        Path otherShape = saved("other-shape");
        editWeights(otherShape, stored -> stored.withColumn("rows", when(col("name").equalTo("encoder.head.bias"),
                lit(2)).otherwise(col("rows"))));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(otherShape.toString()),
                "Tensor 'encoder.head.bias'", "is 2x1", "requires 4x1", otherShape.toString());
    }

    @Test
    void aNullValueInATensorIsRejected() throws IOException {
        Path withNull = saved("null-value");
        editWeights(withNull, stored -> stored.withColumn("values", when(col("name").equalTo("decoder.0.bias"),
                org.apache.spark.sql.functions.transform(col("values"), (v, i) -> when(i.equalTo(1), lit(null))
                        .otherwise(v))).otherwise(col("values"))));
        InvalidOrIllegal.assertRejected(() -> VariationalAutoencoderModel.load(withNull.toString()),
                "Tensor 'decoder.0.bias'", "holds a null value", withNull.toString());
    }

    @Test
    void saveAndLoadRoundTripBitIdentically() throws IOException {
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(saved("round-trip").toString());
        assertEquals(model.layout(), loaded.layout());
        assertArrayEquals(model.weights(), loaded.weights());
    }

    private static ObjectNode details(ObjectNode json) {
        return (ObjectNode) json.path("vaeSpark").path("details");
    }

    private static void setLayers(ObjectNode json, int width) {
        ObjectNode params = (ObjectNode) json.path("paramMap");
        params.putArray("encoderLayers").add(width);
        params.putArray("decoderLayers").add(width);
    }

    private static void editMetadata(Path model, Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Path file = model.resolve("metadata/part-00000");
        ObjectNode json = (ObjectNode) mapper.readTree(Files.readString(file));
        edit.accept(json);
        Files.writeString(file, mapper.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
        deleteCrcFiles(model.resolve("metadata"));
    }

    private static void editWeights(Path model, UnaryOperator<Dataset<Row>> edit) throws IOException {
        Path edited = model.resolveSibling(model.getFileName() + "-data");
        Dataset<Row> stored = SparkTestSession.get().read().parquet(model.resolve("data").toString());
        edit.apply(stored).coalesce(1).write().parquet(edited.toString());
        deleteTree(model.resolve("data"));
        Files.move(edited, model.resolve("data"));
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static void deleteCrcFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".crc")).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
