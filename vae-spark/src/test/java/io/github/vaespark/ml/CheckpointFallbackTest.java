package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.ml.TrainingListener;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming survives a damaged newest checkpoint, cleans up unfinished ones, and refuses
 * checkpoints of another data set, partitioning or params, saying what differs.
 */
class CheckpointFallbackTest {
    private static Dataset<Row> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        data = SyntheticData.manifold(400, 0.1, 11, 3).cache();
        data.count();
    }

    private static VariationalAutoencoder vae() {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8}).setBatchSize(32)
                .setMaxEpochs(5).setSeed(5);
    }

    /** Fails the fit after an epoch, as a killed driver would. */
    private record CrashAfter(int epoch) implements TrainingListener {
        @Override
        public void onEpochEnd(EpochSummary summary, int maxEpochs) {
            if (summary.epoch() == epoch) {
                throw new IllegalStateException("simulated crash after epoch " + epoch);
            }
        }
    }

    /** Trains with checkpoints until a crash after {@code epoch}; returns the checkpointDir. */
    private Path crashedRun(String name, int epoch) {
        Path dir = tmp.resolve(name);
        assertThrows(IllegalStateException.class,
                () -> vae().setCheckpointDir(dir.toString()).addTrainingListener(new CrashAfter(epoch)).fit(data));
        return dir;
    }

    @Test
    void resumingSkipsATruncatedNewestCheckpointAndDeletesUnfinishedOnes() throws IOException {
        double[] uninterrupted = vae().fit(data).weights();
        Path dir = crashedRun("truncated", 3);
        assertEquals(List.of("epoch-000002", "epoch-000003"), names(dir), "the two newest are kept");
        Path arrays = dir.resolve("epoch-000003/arrays.bin");
        truncate(arrays, Files.size(arrays) / 2);
        Path unfinished = Files.createDirectories(dir.resolve(".epoch-000004-0000.tmp"));
        Files.writeString(unfinished.resolve("state.json"), "{");

        VariationalAutoencoderModel resumed = vae().setCheckpointDir(dir.toString()).fit(data);
        assertEquals(2, resumed.summary().resumedFromEpoch(), "the damaged epoch-000003 is skipped");
        assertArrayEquals(uninterrupted, resumed.weights());
        assertFalse(Files.exists(unfinished), "unfinished checkpoints are deleted");
        assertEquals(List.of("epoch-000004", "epoch-000005"), names(dir));
    }

    @Test
    void noIntactCheckpointIsAClearError() throws IOException {
        Path dir = crashedRun("all-damaged", 2);
        flipByte(dir.resolve("epoch-000002/arrays.bin"), 100);
        truncate(dir.resolve("epoch-000001/state.json"), 10);
        InvalidOrIllegal.assertRejected(() -> vae().setCheckpointDir(dir.toString()).fit(data),
                "no intact checkpoint", "epoch-000002: ", "CRC-32 mismatch", "epoch-000001: ",
                "use another checkpointDir");
    }

    @Test
    void resumingOnOtherDataPartitioningOrParamsIsRefused() {
        String dir = crashedRun("identity", 1).toString();
        Dataset<Row> otherData = SyntheticData.manifold(400, 0.1, 12, 3);
        InvalidOrIllegal.assertRejected(() -> vae().setCheckpointDir(dir).fit(otherData),
                "the training data differ (dataChecksum: ", "use another checkpointDir");
        InvalidOrIllegal.assertRejected(() -> vae().setCheckpointDir(dir).fit(data.limit(399)),
                "the training data differ (rows: 400 in the checkpoint, 399 now");
        InvalidOrIllegal.assertRejected(() -> vae().setMaxPartitions(1).setCheckpointDir(dir).fit(data),
                "the partitioning differs (partitions: 2 in the checkpoint, 1 now", "partitionRows: ");
        InvalidOrIllegal.assertRejected(() -> vae().setMaxGradNorm(5).setCheckpointDir(dir).fit(data),
                "the params differ (maxGradNorm: 0.0 in the checkpoint, 5.0 now)");
        // The same data and params still resume.
        assertEquals(1, vae().setCheckpointDir(dir).fit(data).summary().resumedFromEpoch());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** Damages a file as an object store or a crash would; its Hadoop .crc sidecar goes too. */
    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x40);
        }
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }
}
