package io.github.vaespark.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX image and label files become (index, label, features in [0, 1]) rows, split across partitions. */
class IdxDatasetTest {
    @TempDir
    Path tmp;

    @Test
    void readsImagesAndLabelsInOrder() throws IOException {
        Path images = IdxFilesTestData.writeImages(tmp.resolve("i-idx3-ubyte.gz"), 50, 3);
        Path labels = IdxFilesTestData.writeLabels(tmp.resolve("l-idx1-ubyte.gz"), 50);
        List<Row> rows = IdxDataset.read(SparkTestSession.get(), images.toString(), labels.toString(), 4, 0)
                .orderBy("index").collectAsList();
        assertEquals(50, rows.size());
        for (Row r : rows) {
            int i = (int) r.getLong(0);
            assertEquals(i % 10, r.getInt(1));
            Vector v = r.getAs(2);
            assertEquals(9, v.size());
            assertEquals(((i + 4) % 256) / 255.0, v.apply(4), 1e-12);
        }
        assertEquals(7, IdxDataset.read(SparkTestSession.get(), images.toString(), null, 3, 7).count());
    }

    @Test
    void refusesOtherFilesAndMismatchedCounts() throws IOException {
        Path images = IdxFilesTestData.writeImages(tmp.resolve("i-idx3-ubyte.gz"), 10, 2);
        Path labels = IdxFilesTestData.writeLabels(tmp.resolve("l-idx1-ubyte.gz"), 11);
        Exception e = assertThrows(Exception.class,
                () -> IdxDataset.read(SparkTestSession.get(), images.toString(), labels.toString(), 2, 0));
        assertTrue(e.getMessage().contains("11 labels"), e.getMessage());
        Path text = Files.writeString(tmp.resolve("x-idx3-ubyte"), "not an idx file at all");
        Exception e2 = assertThrows(Exception.class,
                () -> IdxDataset.read(SparkTestSession.get(), text.toString(), null, 2, 0));
        assertTrue(e2.getMessage().contains("not an IDX image file"), e2.getMessage());
    }
}
