package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
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
