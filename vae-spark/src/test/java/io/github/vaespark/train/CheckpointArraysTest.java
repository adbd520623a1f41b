package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed arrays.bin of a checkpoint: exact round trip, and every kind of damage detected. */
class CheckpointArraysTest {
    private static final byte[] STATE = "{\"epochsDone\":3}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    java.nio.file.Path tmp;

    private FileSystem fs;
    private Path file;
    private List<double[]> arrays;

    @BeforeEach
    void write() throws IOException {
        fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        file = new Path(tmp.resolve("arrays.bin").toUri());
        SplittableRandom random = new SplittableRandom(3);
        // Longer than one 64 KiB chunk, and not a multiple of it.
        arrays = List.of(random.doubles(20_000).toArray(), random.doubles(20_000).toArray(),
                random.doubles(20_000).toArray());
        CheckpointArrays.write(fs, file, STATE, arrays);
    }

    private List<double[]> read(byte[] state) throws IOException {
        try (CheckpointArrays.Reader reader = CheckpointArrays.open(fs, file, state)) {
            return reader.readArrays(3, 20_000);
        }
    }

    @Test
    void roundTripIsExact() throws IOException {
        List<double[]> back = read(STATE);
        for (int i = 0; i < arrays.size(); i++) {
            assertArrayEquals(arrays.get(i), back.get(i));
        }
    }

    @Test
    void truncationCorruptionTrailingBytesAndAnotherStateAreDetected() throws IOException {
        assertDamaged(() -> read("{\"epochsDone\":4}".getBytes(StandardCharsets.UTF_8)), "state.json does not match");
        long length = new java.io.File(file.toUri()).length();
        try (RandomAccessFile f = new RandomAccessFile(file.toUri().getPath(), "rw")) {
            f.seek(length / 2);
            int b = f.read();
            f.seek(length / 2);
            f.write(b ^ 1);
            assertDamaged(() -> read(STATE), "CRC-32 mismatch");
            f.seek(length / 2);
            f.write(b);
            f.setLength(length + 1);
            assertDamaged(() -> read(STATE), "bytes after its checksum");
            for (long cut : new long[] {length - 1, length / 2, 10}) {
                f.setLength(cut);
                assertDamaged(() -> read(STATE), "truncated");
            }
        }
    }

    private static void assertDamaged(org.junit.jupiter.api.function.Executable read, String fragment) {
        IOException e = assertThrows(IOException.class, read);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void rowChecksumDependsOnEveryValueAndItsPlace() {
        double[] a = {1, 2, 3};
        double[] b = {3, 2, 1};
        assertEquals(DataChecksum.ofRow(a), DataChecksum.ofRow(a.clone()));
        assertTrue(DataChecksum.ofRow(a) != DataChecksum.ofRow(b), "a row's value order matters");
        assertTrue(DataChecksum.ofRow(a) != DataChecksum.ofRow(new double[] {1, 2, 3.0000000001}));
    }
}
