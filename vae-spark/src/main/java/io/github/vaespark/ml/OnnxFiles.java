package io.github.vaespark.ml;

import io.github.vaespark.io.onnx.OnnxExport;
import io.github.vaespark.nn.VaeLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Writes a model's ONNX graphs ({@code encoder.onnx}, {@code decoder.onnx}) to a Hadoop path. */
final class OnnxFiles {
    static final String ENCODER = "encoder.onnx";
    static final String DECODER = "decoder.onnx";

    private OnnxFiles() {
    }

    /** Writes both graphs into {@code dir}; refuses to replace existing files unless {@code overwrite}. */
    static void write(String dir, VaeLayout layout, double[] weights, Configuration hadoop, boolean overwrite) {
        Path folder = new Path(dir);
        try {
            FileSystem fs = folder.getFileSystem(hadoop);
            for (String name : new String[] {ENCODER, DECODER}) {
                if (!overwrite && fs.exists(new Path(folder, name))) {
                    throw new IllegalArgumentException("exportOnnx: " + new Path(folder, name) + " exists already; "
                            + "use exportOnnx(dir, true) (CLI: --overwrite) to replace it");
                }
            }
            fs.mkdirs(folder);
            write(fs, new Path(folder, ENCODER), OnnxExport.encoder(layout, weights));
            write(fs, new Path(folder, DECODER), OnnxExport.decoder(layout, weights));
        } catch (IOException e) {
            throw new UncheckedIOException("exportOnnx: cannot write the ONNX graphs to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }
}
