package io.github.vaespark.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small gzipped IDX files for tests. */
public final class IdxFilesTestData {
    private IdxFilesTestData() {
    }

    /** {@code count} images of side × side pixels; pixel k of image i is (i + k) mod 256. */
    public static Path writeImages(Path file, int count, int side) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(IdxFiles.IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(side);
            out.writeInt(side);
            for (int i = 0; i < count; i++) {
                for (int k = 0; k < side * side; k++) {
                    out.writeByte((i + k) % 256);
                }
            }
        }
        return file;
    }

    /** {@code count} labels i mod 10. */
    public static Path writeLabels(Path file, int count) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(IdxFiles.LABELS_MAGIC);
            out.writeInt(count);
            for (int i = 0; i < count; i++) {
                out.writeByte(i % 10);
            }
        }
        return file;
    }
}
