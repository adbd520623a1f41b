package io.github.vaespark.io;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Low-level access to IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed,
 * on any Hadoop file system: a big-endian header (magic 0x0801 for unsigned-byte labels, 0x0803
 * for unsigned-byte images, then the dimension sizes) followed by the bytes.
 */
public final class IdxFiles {
    static final int LABELS_MAGIC = 0x00000801;
    static final int IMAGES_MAGIC = 0x00000803;

    private IdxFiles() {
    }

    /** The header of an IDX file: element count and bytes per element. */
    public record Header(int magic, int count, int rows, int cols) {
        /** Bytes per element (1 for labels). */
        public int elementBytes() {
            return rows * cols;
        }
    }

    /** Opens a file for reading, decompressing when its name ends with .gz. */
    static DataInputStream open(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        InputStream in = new BufferedInputStream(fs.open(p), 1 << 16);
        if (path.endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(in);
    }

    /** Reads the header, checking the magic number against the expected kind. */
    static Header readHeader(DataInputStream in, String path, boolean images) throws IOException {
        int magic = in.readInt();
        int expected = images ? IMAGES_MAGIC : LABELS_MAGIC;
        if (magic != expected) {
            throw new IOException(path + " is not an IDX " + (images ? "image" : "label") + " file (magic 0x"
                    + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(expected) + ")");
        }
        int count = in.readInt();
        int rows = images ? in.readInt() : 1;
        int cols = images ? in.readInt() : 1;
        if (count < 0 || rows < 1 || cols < 1) {
            throw new IOException(path + " has an invalid IDX header");
        }
        return new Header(magic, count, rows, cols);
    }

    /** The header of the file at {@code path}. */
    public static Header header(String path, boolean images, Configuration conf) throws IOException {
        try (DataInputStream in = open(path, conf)) {
            return readHeader(in, path, images);
        }
    }
}
