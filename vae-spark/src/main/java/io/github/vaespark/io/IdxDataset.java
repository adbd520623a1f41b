package io.github.vaespark.io;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * MNIST-style IDX image files (optionally with their label file) as a DataFrame with columns
 * {@code index} (position in the file), {@code label} (or -1 without labels) and {@code features}
 * (a dense vector of pixels scaled to [0, 1]). The file is read by the executors, a slice per
 * partition, so it must be on a file system they can reach (local files in local mode).
 */
public final class IdxDataset {
    private IdxDataset() {
    }

    /**
     * Reads {@code images} (and {@code labels}, may be null) into {@code partitions} partitions;
     * {@code limit} > 0 keeps only the first rows.
     */
    public static Dataset<Row> read(SparkSession spark, String images, String labels, int partitions, int limit) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        IdxFiles.Header header;
        try {
            header = IdxFiles.header(images, true, conf);
            if (labels != null) {
                IdxFiles.Header lh = IdxFiles.header(labels, false, conf);
                if (lh.count() != header.count()) {
                    throw new IOException(labels + " holds " + lh.count() + " labels but " + images + " holds "
                            + header.count() + " images");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read IDX data: " + e.getMessage(), e);
        }
        int count = limit > 0 ? Math.min(limit, header.count()) : header.count();
        int dim = header.elementBytes();
        int slices = Math.max(1, Math.min(partitions, Math.max(count, 1)));
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
        List<int[]> ranges = IntStream.range(0, slices)
                .mapToObj(s -> new int[] {(int) ((long) s * count / slices), (int) ((long) (s + 1) * count / slices)})
                .collect(Collectors.toList());
        JavaRDD<Row> rows = jsc.parallelize(ranges, slices).flatMap(range ->
                readSlice(images, labels, range[0], range[1], dim, hadoop.value().value()));
        StructType schema = new StructType()
                .add("index", DataTypes.LongType, false)
                .add("label", DataTypes.IntegerType, false)
                .add(new AttributeGroup("features", dim).toStructField());
        return spark.createDataFrame(rows, schema);
    }

    /** Streams rows [from, to) of the files; the files are closed when the slice is exhausted. */
    private static Iterator<Row> readSlice(String images, String labels, int from, int to, int dim,
                                           Configuration conf) throws IOException {
        DataInputStream img = IdxFiles.open(images, conf);
        DataInputStream lab = labels == null ? null : IdxFiles.open(labels, conf);
        IdxFiles.readHeader(img, images, true);
        img.skipNBytes((long) from * dim);
        if (lab != null) {
            IdxFiles.readHeader(lab, labels, false);
            lab.skipNBytes(from);
        }
        byte[] pixels = new byte[dim];
        return new Iterator<>() {
            private int next = from;

            @Override
            public boolean hasNext() {
                if (next < to) {
                    return true;
                }
                close();
                return false;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                try {
                    img.readFully(pixels);
                    double[] x = new double[dim];
                    for (int k = 0; k < dim; k++) {
                        x[k] = (pixels[k] & 0xFF) / 255.0;
                    }
                    int label = lab == null ? -1 : lab.readUnsignedByte();
                    return RowFactory.create((long) next++, label, Vectors.dense(x));
                } catch (IOException e) {
                    close();
                    throw new UncheckedIOException("Cannot read " + images + " at image " + next, e);
                }
            }

            private void close() {
                try {
                    img.close();
                    if (lab != null) {
                        lab.close();
                    }
                } catch (IOException ignored) {
                    // nothing more to read
                }
            }
        };
    }
}
