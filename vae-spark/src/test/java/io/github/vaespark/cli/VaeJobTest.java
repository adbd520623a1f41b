package io.github.vaespark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.io.IdxFilesTestData;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit CLI in-process: help, errors and exit codes, every input format, all commands. */
class VaeJobTest {
    @TempDir
    static Path tmp;

    /** Exit code and the text written to standard output and error. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VaeJob.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs {@code args} and checks the exit code and that the error output contains {@code expected}. */
    static Run assertFails(int code, String expected, String... args) {
        Run r = run(args);
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        return r;
    }

    @BeforeAll
    static void session() {
        SparkTestSession.get();
    }

    @Test
    void helpListsEveryEstimatorParamWithItsDefault() {
        Run help = run("train", "--help");
        assertEquals(0, help.code());
        for (Param<?> p : new VariationalAutoencoder().params()) {
            assertTrue(help.out().contains(ParamOptions.optionName(p.name()) + "="), p.name() + " missing");
        }
        assertTrue(help.out().contains("(default: 128)"), "defaults are shown");
        for (String command : List.of("transform", "sample", "evaluate", "plots")) {
            assertEquals(0, run(command, "--help").code(), command);
        }
    }

    @Test
    void badUsageAndBadInputEndWithOneLineAndANonZeroCode() {
        Run unknown = run("train", "--input", "x", "--model", "m", "--latent-dimm", "3");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("Unknown option") && unknown.err().contains("'--latent-dimm'"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), "one line: " + unknown.err());
        assertFails(2, "--latent-dim", "train", "--input", "x", "--model", "m", "--latent-dim", "zero");
        assertFails(2, "--batch-size", "train", "--input", "x", "--model", "m", "--batch-size", "0");
        Run missing = run("train", "--input", tmp.resolve("nope.parquet").toString(), "--model", "m");
        assertEquals(1, missing.code());
        assertTrue(missing.err().strip().lines().count() == 1, "one line: " + missing.err());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Run noCommand = run();
        assertEquals(2, noCommand.code());
    }

    @Test
    void numericOptionsOutOfRangeAreNamed() {
        assertFails(2, "--rows: -5", "sample", "--model", "m", "--rows", "-5", "--output", "o");
        assertFails(2, "--iwae-k: -1", "evaluate", "--model", "m", "--input", "x", "--iwae-k", "-1");
        assertFails(2, "--bins: 0", "plots", "--out", "o", "--bins", "0");
        assertFails(2, "--points: -1", "plots", "--out", "o", "--points", "-1");
        Run limit = assertFails(1, "--limit: -1", "train", "--input", tmp.resolve("nope.parquet").toString(),
                "--model", "m", "--limit", "-1");
        assertEquals(1, limit.err().strip().lines().count(), "one line: " + limit.err());
    }

    @Test
    void trainsFromCsvThenTransformsSamplesEvaluatesAndPlots() throws IOException {
        Path csv = tmp.resolve("data.csv");
        StringBuilder text = new StringBuilder("label,a,b,c,d\n");
        for (int i = 0; i < 300; i++) {
            double t = i * 0.05;
            text.append(String.format(Locale.ROOT, "%d,%.5f,%.5f,%.5f,%.5f%n", i % 3, Math.sin(t), Math.cos(t),
                    Math.sin(2 * t), 0.5 * Math.cos(3 * t)));
        }
        Files.writeString(csv, text);
        String model = tmp.resolve("csv-model").toString();
        Run train = run("train", "--input", csv.toString(), "--model", model, "--latent-dim", "2",
                "--encoder-layers", "8", "--max-epochs", "3", "--batch-size", "50", "--elbo-col", "elbo");
        assertEquals(0, train.code(), train.err());
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(model);
        assertEquals(4, loaded.numFeatures(), "label is excluded, a..d assembled");
        assertTrue(Files.readString(Path.of(model + ".history.json")).contains("\"negativeElbo\""));
        Path historyCrc = Path.of(model).resolveSibling("." + Path.of(model).getFileName() + ".history.json.crc");
        assertTrue(!Files.exists(historyCrc), "no Hadoop checksum file beside the history: " + historyCrc);
        Run again = assertFails(1, model + " already exists: give --overwrite", "train", "--input", csv.toString(),
                "--model", model);
        assertFalse(again.out().contains("epoch 1/"), "refused before fitting: " + again.out());
        String orphan = tmp.resolve("history-only").toString();
        Files.writeString(Path.of(orphan + ".history.json"), "{}");
        assertFails(1, orphan + ".history.json already exists: give --overwrite", "train", "--input", csv.toString(),
                "--model", orphan, "--max-epochs", "1");
        assertFalse(Files.exists(Path.of(orphan)), "no model written when its history would be refused");

        String out = tmp.resolve("csv-out.parquet").toString();
        assertEquals(0, run("transform", "--model", model, "--input", csv.toString(), "--output", out).code());
        assertFails(1, out + " already exists: give --overwrite to replace it, or another --output", "transform",
                "--model", model, "--input", csv.toString(), "--output", out);
        Dataset<Row> transformed = SparkTestSession.get().read().parquet(out);
        assertEquals(300, transformed.count());
        assertEquals(2, ((Vector) transformed.select("latentMean").first().get(0)).size());
        assertTrue(List.of(transformed.columns()).contains("elbo"));

        String samples = tmp.resolve("samples.parquet").toString();
        assertEquals(0, run("sample", "--model", model, "--n", "10", "--output", samples).code());
        assertEquals(10, SparkTestSession.get().read().parquet(samples).count());
        // A vector model's outputs are vectors: .csv output fails naming them, before writing anything.
        String samplesCsv = tmp.resolve("samples.csv").toString();
        assertFails(1, "CSV cannot hold the columns latent (vector), sample (vector)", "sample", "--model", model,
                "--n", "10", "--output", samplesCsv);
        assertTrue(Files.notExists(Path.of(samplesCsv)), "nothing written");

        Run evaluate = run("evaluate", "--model", model, "--input", csv.toString(), "--iwae-k", "5");
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("\"negativeElbo\"") && evaluate.out().contains("\"logLikelihood\""),
                "the JSON line goes to the command's output: " + evaluate.out());

        // The model assembles the columns it was trained on, by name: the same rows with their columns
        // in another order score the same; a missing column is an error naming it.
        assertTrue(train.out().contains("features: the numeric columns a, b, c, d"), train.out());
        Path reordered = tmp.resolve("reordered.csv");
        StringBuilder swapped = new StringBuilder();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.split(",");
            swapped.append(String.join(",", f[4], f[2], f[0], f[3], f[1])).append('\n');
        }
        Files.writeString(reordered, swapped);
        Run inOrder = run("evaluate", "--model", model, "--input", csv.toString());
        Run otherOrder = run("evaluate", "--model", model, "--input", reordered.toString());
        assertEquals(0, otherOrder.code(), otherOrder.err());
        assertEquals(inOrder.out(), otherOrder.out(), "the same rows, columns in another order");
        Path withoutB = tmp.resolve("without-b.csv");
        Files.writeString(withoutB, Files.readString(csv).replaceAll("(?m)^([^,]*,[^,]*),[^,]*", "$1"));
        assertFails(1, "names 'b'", "evaluate", "--model", model, "--input", withoutB.toString());

        String pictures = tmp.resolve("pictures").toString();
        Run plots = run("plots", "--history", model + ".history.json", "--transformed", out, "--out", pictures);
        assertEquals(0, plots.code(), plots.err());
        assertTrue(Files.exists(Path.of(pictures, "loss-curves.png")));
        assertTrue(Files.exists(Path.of(pictures, "latent-space.png")));
    }

    @Test
    void assemblesNumericColumnsWhoseNamesHoldDotsAndSpaces() throws IOException {
        Path csv = tmp.resolve("dotted.csv");
        StringBuilder text = new StringBuilder("label,body.mass,bill length\n");
        for (int i = 0; i < 200; i++) {
            text.append(String.format(Locale.ROOT, "%d,%.4f,%.4f%n", i % 2, Math.sin(i * 0.1), Math.cos(i * 0.1)));
        }
        Files.writeString(csv, text);
        String model = tmp.resolve("dotted-model").toString();
        Run train = run("train", "--input", csv.toString(), "--model", model, "--latent-dim", "1",
                "--encoder-layers", "4", "--max-epochs", "2", "--batch-size", "50", "--likelihood", "gaussian");
        assertEquals(0, train.code(), train.err());
        assertEquals(2, VariationalAutoencoderModel.load(model).numFeatures(), "body.mass and bill length assembled");
        String out = tmp.resolve("dotted-out.parquet").toString();
        Run transform = run("transform", "--model", model, "--input", csv.toString(), "--output", out);
        assertEquals(0, transform.code(), transform.err());
        Dataset<Row> written = SparkTestSession.get().read().parquet(out);
        assertEquals(List.of("label", "body.mass", "bill length", "features", "latentMean", "reconstruction"),
                List.of(written.columns()), "the assembly's helper columns are dropped again");
    }

    @Test
    void readsParquetLibsvmAndIdxInputs() throws IOException {
        Path libsvm = tmp.resolve("data.libsvm");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            text.append(i % 2).append(String.format(Locale.ROOT, " 1:%.4f 3:%.4f 5:%.4f%n", Math.sin(i * 0.1),
                    Math.cos(i * 0.1), 0.3));
        }
        Files.writeString(libsvm, text);
        String m1 = tmp.resolve("libsvm-model").toString();
        assertEquals(0, run("train", "--input", libsvm.toString(), "--model", m1, "--latent-dim", "2",
                "--encoder-layers", "4", "--max-epochs", "1").code());
        assertEquals(5, VariationalAutoencoderModel.load(m1).numFeatures());

        String parquet = tmp.resolve("vectors.parquet").toString();
        SparkTestSession.get().read().format("libsvm").load(libsvm.toString()).write().parquet(parquet);
        String m2 = tmp.resolve("parquet-model").toString();
        assertEquals(0, run("train", "--input", parquet, "--model", m2, "--latent-dim", "2", "--encoder-layers", "4",
                "--max-epochs", "1").code());

        Path images = IdxFilesTestData.writeImages(tmp.resolve("img-idx3-ubyte.gz"), 64, 4);
        Path labels = IdxFilesTestData.writeLabels(tmp.resolve("lab-idx1-ubyte.gz"), 64);
        String m3 = tmp.resolve("idx-model").toString();
        Run idx = run("train", "--input", images.toString(), "--labels", labels.toString(), "--model", m3,
                "--likelihood", "bernoulli", "--latent-dim", "2", "--encoder-layers", "8", "--max-epochs", "1");
        assertEquals(0, idx.code(), idx.err());
        assertEquals(16, VariationalAutoencoderModel.load(m3).numFeatures());
    }

    @Test
    void fixedValueOptionsAreAcceptedInAnyCase() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create(Vectors.dense(
                    Math.sin(i * 0.1), Math.cos(i * 0.1), 0.3)));
        }
        rows.add(RowFactory.create(Vectors.dense(0, Double.NaN, 0)));
        String parquet = tmp.resolve("one-bad-row.parquet").toString();
        SparkTestSession.get().createDataFrame(rows, new StructType()
                .add("features", new VectorUDT())).write().parquet(parquet);
        String model = tmp.resolve("upper-case-model").toString();
        Run train = run("train", "--input", parquet, "--model", model, "--latent-dim", "2", "--encoder-layers", "4",
                "--max-epochs", "1", "--handle-invalid", "SKIP", "--likelihood", "Gaussian", "--activation", "TANH",
                "--precision", "FLOAT64", "--exchange-mode", "Jobs");
        assertEquals(0, train.code(), train.err());
        String history = Files.readString(Path.of(model + ".history.json"));
        assertTrue(history.contains("\"skippedRows\" : 1,"), history);
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(model);
        assertEquals("skip", loaded.getHandleInvalid());
        assertEquals("tanh", loaded.getActivation());
        assertEquals("float64", loaded.getPrecision());
    }
}
