package io.github.vaespark.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The data, ports and CLI arguments that the cluster tests' jobs share. */
final class ClusterJobs {
    private ClusterJobs() {
    }

    /**
     * Writes two CSV files (so two input partitions) of 1,500 rows each from a smooth 2-D manifold
     * in 12 columns.
     */
    static void writeCsv(Path dir) throws IOException {
        writeCsv(dir, 1500);
    }

    /** Writes two CSV files of {@code rowsPerFile} rows each from a smooth 2-D manifold in 12 columns. */
    static void writeCsv(Path dir, int rowsPerFile) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(5);
        for (int file = 0; file < 2; file++) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("part-" + file + ".csv")))) {
                List<String> header = new ArrayList<>();
                for (int c = 0; c < 12; c++) {
                    header.add("c" + c);
                }
                out.println(String.join(",", header));
                for (int r = 0; r < rowsPerFile; r++) {
                    double u = random.nextGaussian();
                    double v = random.nextGaussian();
                    List<String> cells = new ArrayList<>();
                    for (int c = 0; c < 12; c++) {
                        double x = Math.tanh(u * Math.cos(c) + v * Math.sin(c)) + 0.05 * random.nextGaussian();
                        cells.add(String.format(Locale.ROOT, "%.6f", x));
                    }
                    out.println(String.join(",", cells));
                }
            }
        }
    }

    /** A TCP port free on every address of this machine right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The CLI's train arguments for the CSV data in {@code data}, fixed seed. */
    static String[] train(Path data, String model, int epochs, int batchSize) {
        return new String[] {"train", "--input", data.toString(), "--format", "csv",
            "--model", model, "--overwrite", "--latent-dim", "2", "--encoder-layers", "32,16", "--activation",
            "tanh", "--batch-size", Integer.toString(batchSize), "--max-epochs", Integer.toString(epochs),
            "--seed", "3"};
    }
}
