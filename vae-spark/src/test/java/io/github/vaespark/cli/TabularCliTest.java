package io.github.vaespark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.cli.VaeJobTest.Run;
import io.github.vaespark.ml.MixedTables;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.table.TableColumn;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on tables: train --input-cols on CSV with strings, booleans and nulls, sample, transform, plots. */
class TabularCliTest {
    private static final String COLS = "age,income,score,segment,country,active,visits";
    private static final String IMPUTED = "age_i,income_i,score_i,segment_i,country_i,active_i,visits_i";

    @TempDir
    static Path tmp;

    static String csv;
    static String model;

    @BeforeAll
    static void trainedModel() {
        SparkSession spark = SparkTestSession.get();
        csv = tmp.resolve("mixed.csv").toString();
        // Spark writes nulls as empty fields: the reader must take them as missing next to "NA".
        MixedTables.generate(spark, 1500, 3, 2).coalesce(1).write().option("header", "true").csv(csv);
        model = tmp.resolve("table-model").toString();
        Run train = VaeJobTest.run("train", "--input", csv, "--model", model, "--input-cols", COLS,
                "--latent-dim", "2", "--encoder-layers", "16", "--max-epochs", "3", "--batch-size", "100");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("columns: age:continuous, income:continuous, score:continuous, "
                + "segment:categorical, country:categorical, active:binary, visits:continuous"), train.out());
    }

    private static Dataset<Row> realInput() {
        return SparkTestSession.get().read().option("header", "true").option("inferSchema", "true")
                .option("nullValue", "NA").csv(csv);
    }

    /** A directory of CSV part files whose name says nothing (a Spark output such as data/) is read as CSV. */
    @Test
    void aDirectoryOfCsvFilesIsReadAsCsvWhateverItsName() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String dir = tmp.resolve("exported-rows").toString();
        realInput().limit(200).write().option("header", "true").csv(dir);
        String parquet = tmp.resolve("as-parquet").toString();
        realInput().limit(10).write().parquet(parquet);
        assertEquals("csv", Inputs.guessFormat(spark, dir));
        assertEquals("parquet", Inputs.guessFormat(spark, parquet));
        assertEquals("csv", Inputs.guessFormat(spark, csv), "by its name");
        Run evaluate = VaeJobTest.run("evaluate", "--model", model, "--input", dir);
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("\"rows\":200"), evaluate.out());
    }

    @Test
    void inputColsTrainATableModelOnCsvWithStringsBooleansAndNulls() {
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(model);
        assertNotNull(loaded.tableColumns(), "--input-cols trains a table model, not an assembled vector");
        assertEquals(java.util.List.of(COLS.split(",")), loaded.tableColumns().featureNames());
        TableColumn segment = loaded.tableColumns().features().get(3);
        assertEquals(DataTypes.StringType, segment.type());
        assertTrue(segment.missingRate() > 0.02, "empty CSV fields are missing: " + segment.missingRate());
        assertTrue(!segment.levels().contains(""), "no empty level: " + segment.levels());
    }

    @Test
    void sampleWritesExactlyTheInputColumnsWithTheirTypesAndNulls() {
        String out = tmp.resolve("synthetic.parquet").toString();
        Run sample = VaeJobTest.run("sample", "--model", model, "--rows", "800", "--seed", "5", "--output", out,
                "--input", csv);
        assertEquals(0, sample.code(), sample.err());
        assertTrue(sample.out().contains("Synthetic data quality: column shapes"), sample.out());
        assertTrue(sample.out().contains("independent-columns baseline"), sample.out());
        Dataset<Row> synthetic = SparkTestSession.get().read().parquet(out);
        assertEquals(800, synthetic.count());
        StructField[] real = realInput().schema().fields();
        StructField[] written = synthetic.schema().fields();
        assertArrayEquals(java.util.Arrays.stream(real).map(StructField::name).toArray(),
                java.util.Arrays.stream(written).map(StructField::name).toArray(), "exactly the input columns, no id");
        for (int i = 0; i < real.length; i++) {
            assertEquals(real[i].dataType(), written[i].dataType(), real[i].name());
        }
        assertTrue(synthetic.filter(functions.col("income").isNull()).count() > 0, "income has nulls in training");
        assertTrue(synthetic.filter(functions.col("segment").isNull()).count() > 0, "segment has nulls in training");
        assertEquals(0, synthetic.filter(functions.col("country").isNull()).count(), "country never null in training");

        String again = tmp.resolve("synthetic-again.parquet").toString();
        assertEquals(0, VaeJobTest.run("sample", "--model", model, "--rows", "800", "--seed", "5", "--output",
                again).code());
        assertEquals(0, synthetic.exceptAll(SparkTestSession.get().read().parquet(again)).count(), "same seed");

        String asCsv = tmp.resolve("synthetic.csv").toString();
        assertEquals(0, VaeJobTest.run("sample", "--model", model, "--rows", "50", "--output", asCsv).code());
        assertEquals(50, SparkTestSession.get().read().option("header", "true").csv(asCsv).count());

        // No rows: written, and no quality report to compare them with (not an error).
        Run none = VaeJobTest.run("sample", "--model", model, "--rows", "0", "--output",
                tmp.resolve("none.parquet").toString(), "--input", csv);
        assertEquals(0, none.code(), none.err());
        assertTrue(none.out().contains("wrote 0 rows") && none.out().contains("no quality report"), none.out());
    }

    @Test
    void transformImputesMissingValues() {
        String out = tmp.resolve("imputed.parquet").toString();
        Run transform = VaeJobTest.run("transform", "--model", model, "--input", csv, "--output", out,
                "--imputed-cols", IMPUTED);
        assertEquals(0, transform.code(), transform.err());
        Dataset<Row> imputed = SparkTestSession.get().read().parquet(out);
        assertTrue(imputed.filter(functions.col("segment").isNull()).count() > 0);
        assertEquals(0, imputed.filter(functions.col("segment_i").isNull()).count());
        assertEquals(0, imputed.filter(functions.col("income_i").isNull()).count());
    }

    @Test
    void transformWritesCsvWhenNoColumnIsAVectorAndOtherwiseSaysWhichAre() {
        String csvOut = tmp.resolve("completed.csv").toString();
        Run refused = VaeJobTest.assertFails(1, "CSV cannot hold the columns latentMean (vector), reconstruction "
                + "(vector)", "transform", "--model", model, "--input", csv, "--output", csvOut, "--imputed-cols",
                IMPUTED);
        assertTrue(refused.err().contains("--latent-mean-col '' --reconstruction-col ''"), refused.err());
        assertTrue(java.nio.file.Files.notExists(java.nio.file.Path.of(csvOut)), "nothing written");

        Run written = VaeJobTest.run("transform", "--model", model, "--input", csv, "--output", csvOut,
                "--imputed-cols", IMPUTED, "--latent-mean-col", "", "--reconstruction-col", "",
                "--latent-cols-prefix", "z", "--elbo-col", "elbo");
        assertEquals(0, written.code(), written.err());
        assertTrue(written.out().contains("wrote 1500 rows to " + csvOut), written.out());
        Dataset<Row> back = SparkTestSession.get().read().option("header", "true").csv(csvOut);
        assertEquals(1500, back.count());
        assertTrue(java.util.List.of(back.columns()).containsAll(java.util.List.of("segment", "elbo", "z0", "z1",
                "segment_i")), java.util.Arrays.toString(back.columns()));
        assertTrue(back.filter(functions.col("segment").isNull()).count() > 0, "missing input stays missing");
        assertEquals(0, back.filter(functions.col("segment_i").isNull()).count(), "imputed");
    }

    /** Also a table whose own id column is modelled: sample writes it, not the row number (which took its name). */
    @Test
    void aCsvsDatesAndTimestampsAreModelledSampledComparedAndPlotted() throws IOException {
        StringBuilder text = new StringBuilder("id,x,day,at\n");
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 1400; i++) {
            int k = i % 7;
            String day = i % 10 == 0 ? "" : java.time.LocalDate.of(2020, 1, 1).plusDays(30L * k + random.nextInt(5))
                    .toString();
            String at = java.time.LocalDateTime.of(2020, 9, 13, 12, 0).plusHours(k).plusSeconds(random.nextInt(60))
                    .toString().replace('T', ' ');
            text.append(String.format(java.util.Locale.ROOT, "%d,%.4f,%s,%s%n", i, 1.5 * k + random.nextDouble(), day,
                    at));
        }
        Path dated = tmp.resolve("dated.csv");
        Files.writeString(dated, text);
        String m = tmp.resolve("dated-model").toString();
        Run train = VaeJobTest.run("train", "--input", dated.toString(), "--model", m, "--input-cols", "id,x,day,at",
                "--max-epochs", "15", "--seed", "2");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("day:continuous") && train.out().contains("at:continuous"), train.out());
        String out = tmp.resolve("dated-samples").toString();
        Run sample = VaeJobTest.run("sample", "--model", m, "--rows", "1400", "--output", out, "--input",
                dated.toString());
        assertEquals(0, sample.code(), sample.err());
        assertTrue(sample.out().matches("(?s).*\\nday +continuous .*") && sample.out().contains("x ~ day"),
                sample.out());
        Dataset<Row> back = SparkTestSession.get().read().parquet(out);
        assertEquals(java.util.List.of("id", "x", "day", "at"), java.util.List.of(back.columns()));
        assertEquals(0, back.filter("id is null").count() + back.filter("id < 0 or id >= 1400").count(),
                "the generated ids, whole numbers in the training range");
        assertEquals(DataTypes.DateType, back.schema().apply("day").dataType());
        assertEquals(DataTypes.TimestampType, back.schema().apply("at").dataType());
        Row range = back.selectExpr("min(day) >= date'2020-01-01' and max(day) <= date'2020-07-04'",
                "count(day) < count(*)").first();
        assertTrue(range.getBoolean(0) && range.getBoolean(1), "dates in the training range, some missing");
        Run plots = VaeJobTest.run("plots", "--model", m, "--input", dated.toString(), "--rows", "500", "--out",
                tmp.resolve("dated-pictures").toString());
        assertEquals(0, plots.code(), plots.err());
        assertNotNull(ImageIO.read(tmp.resolve("dated-pictures").resolve("marginals.png").toFile()));
    }

    @Test
    void plotsDrawEveryColumnsMarginalAgainstTheRealData() throws IOException {
        String pictures = tmp.resolve("table-pictures").toString();
        Run plots = VaeJobTest.run("plots", "--model", model, "--input", csv, "--rows", "1000", "--out", pictures);
        assertEquals(0, plots.code(), plots.err());
        File png = new File(pictures, "marginals.png");
        BufferedImage img = ImageIO.read(png);
        assertNotNull(img, "a PNG");
        assertTrue(img.getWidth() >= 800 && img.getHeight() >= 3 * 200, img.getWidth() + "x" + img.getHeight()
                + ": three rows of panels for seven columns");
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, "drawn, not blank: " + colours.size() + " colours");
        assertTrue(Files.size(png.toPath()) > 10_000, "size " + Files.size(png.toPath()));
    }

    @Test
    void csvNullValueIsMissingAndErrorsNameTheOptionAndColumn() throws IOException {
        Path small = tmp.resolve("na.csv");
        StringBuilder text = new StringBuilder("x,colour\n");
        for (int i = 0; i < 60; i++) {
            text.append(i % 7 == 0 ? "NA" : Double.toString(i * 0.1)).append(',')
                    .append(i % 5 == 0 ? "NA" : i % 2 == 0 ? "red" : "blue").append('\n');
        }
        Files.writeString(small, text);
        String m = tmp.resolve("na-model").toString();
        Run train = VaeJobTest.run("train", "--input", small.toString(), "--model", m, "--input-cols", "x,colour",
                "--latent-dim", "1", "--encoder-layers", "4", "--max-epochs", "1");
        assertEquals(0, train.code(), train.err());
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(m);
        TableColumn x = loaded.tableColumns().features().get(0);
        TableColumn colour = loaded.tableColumns().features().get(1);
        assertEquals(DataTypes.DoubleType, x.type(), "NA does not make x a string column");
        assertEquals(9.0 / 60, x.missingRate(), 1e-12);
        assertEquals(Set.of("red", "blue"), Set.copyOf(colour.levels()));

        Run unknown = VaeJobTest.run("train", "--input", small.toString(), "--model", tmp.resolve("nope").toString(),
                "--input-cols", "x,shade");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("--input-cols names 'shade'") && unknown.err().contains("x, colour"),
                unknown.err());
        Run vectorPlots = VaeJobTest.run("plots", "--model", m, "--out", tmp.resolve("p").toString());
        assertEquals(1, vectorPlots.code());
        assertTrue(vectorPlots.err().contains("--input"), vectorPlots.err());
    }
}
