package io.github.vaespark.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The {@code arrays.bin} file of a checkpoint, streamed in both directions (no array of the whole
 * file is ever built, so checkpoints of any size work):
 * <pre>
 *   long   magic "VAECPT02"
 *   int    length of state.json,  long CRC-32 of state.json
 *   int    number of arrays; per array: int length, then its big-endian doubles
 *   long   CRC-32 of everything above
 * </pre>
 * The state.json checksum in the header makes one file vouch for the whole checkpoint. Any
 * mismatch, truncation or trailing byte is an {@link IOException} saying what is wrong.
 */
final class CheckpointArrays {
    private static final long MAGIC = 0x5641454350543032L; // "VAECPT02"
    private static final int BUFFER = 1 << 16;

    private CheckpointArrays() {
    }

    /** Writes {@code arrays}, vouching for {@code state} (the bytes of state.json). */
    static void write(FileSystem fs, Path path, byte[] state, List<double[]> arrays) throws IOException {
        CRC32 crc = new CRC32();
        try (FSDataOutputStream raw = fs.create(path, false)) {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    new CheckedOutputStream(raw, crc), BUFFER));
            out.writeLong(MAGIC);
            out.writeInt(state.length);
            out.writeLong(crc32(state));
            out.writeInt(arrays.size());
            byte[] chunk = new byte[BUFFER];
            ByteBuffer view = ByteBuffer.wrap(chunk);
            for (double[] a : arrays) {
                out.writeInt(a.length);
                for (int from = 0; from < a.length; from += BUFFER / 8) {
                    int n = Math.min(BUFFER / 8, a.length - from);
                    view.clear();
                    view.asDoubleBuffer().put(a, from, n);
                    out.write(chunk, 0, n * 8);
                }
            }
            out.flush();
            raw.writeLong(crc.getValue());
        }
    }

    /**
     * Opens {@code arrays.bin} and checks that its header vouches for {@code state} (the bytes of
     * the checkpoint's state.json); nothing is allocated for the arrays yet.
     */
    static Reader open(FileSystem fs, Path path, byte[] state) throws IOException {
        Reader reader = new Reader(fs, path);
        try {
            reader.checkHeader(state);
            return reader;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** Reads one arrays.bin after its header. */
    static final class Reader implements Closeable {
        private final Path path;
        private final CRC32 crc = new CRC32();
        private final DataInputStream in;

        private Reader(FileSystem fs, Path path) throws IOException {
            this.path = path;
            this.in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(fs.open(path), BUFFER), crc));
        }

        private void checkHeader(byte[] state) throws IOException {
            try {
                if (in.readLong() != MAGIC) {
                    throw new IOException(path + " is not a vae-spark checkpoint of this version");
                }
                if (in.readInt() != state.length || in.readLong() != crc32(state)) {
                    throw new IOException("state.json does not match the checksum recorded in " + path);
                }
            } catch (EOFException e) {
                throw new IOException(path + " is truncated", e);
            }
        }

        /**
         * Reads the arrays and checks the file's checksum.
         *
         * @param count  the number of arrays expected
         * @param length the length every array must have
         */
        List<double[]> readArrays(int count, int length) throws IOException {
            try {
                int stored = in.readInt();
                if (stored != count) {
                    throw new IOException(path + " holds " + stored + " arrays, expected " + count);
                }
                List<double[]> arrays = new ArrayList<>(count);
                byte[] chunk = new byte[BUFFER];
                ByteBuffer view = ByteBuffer.wrap(chunk);
                for (int i = 0; i < count; i++) {
                    int n = in.readInt();
                    if (n != length) {
                        throw new IOException("array " + i + " in " + path + " holds " + n + " values, expected "
                                + length);
                    }
                    double[] a = new double[n];
                    for (int from = 0; from < n; from += BUFFER / 8) {
                        int m = Math.min(BUFFER / 8, n - from);
                        in.readFully(chunk, 0, m * 8);
                        view.clear();
                        view.asDoubleBuffer().get(a, from, m);
                    }
                    arrays.add(a);
                }
                long computed = crc.getValue();
                if (in.readLong() != computed) {
                    throw new IOException(path + " is corrupt (CRC-32 mismatch)");
                }
                if (in.read() != -1) {
                    throw new IOException(path + " has bytes after its checksum");
                }
                return arrays;
            } catch (EOFException e) {
                throw new IOException(path + " is truncated", e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
