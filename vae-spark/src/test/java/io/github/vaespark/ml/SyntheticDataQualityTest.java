package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Column shapes, pair dependence, null rates and the independent-columns baseline on tables of known structure. */
class SyntheticDataQualityTest {
    private static final int ROWS = 10_000;
    private static final String[] COLUMNS = MixedTables.SCHEMA.fieldNames();

    private static Dataset<Row> real;
    private static Dataset<Row> fresh;
    private static QualityReport freshReport;

    @BeforeAll
    static void tables() {
        SparkSession spark = SparkTestSession.get();
        real = MixedTables.generate(spark, ROWS, 1, 2).cache();
        fresh = MixedTables.generate(spark, ROWS, 2, 2).cache();
        freshReport = SyntheticDataQuality.compare(real, fresh);
    }

    @Test
    void aFreshRealSampleScoresHigh() {
        for (String c : COLUMNS) {
            assertTrue(freshReport.columnShape(c) >= 0.95, c + ": " + freshReport);
        }
        assertTrue(freshReport.columnShapes() >= 0.95, freshReport.toString());
        assertTrue(freshReport.pairDependence() >= 0.95, freshReport.toString());
        assertTrue(freshReport.pairScore("income", "age") >= 0.95, freshReport.toString());
        assertTrue(freshReport.maxNullRateGap() < 0.02, freshReport.toString());
        assertEquals(COLUMNS.length * (COLUMNS.length - 1) / 2 + COLUMNS.length,
                freshReport.toDataFrame(SparkTestSession.get()).count());
    }

    @Test
    void independentColumnsKeepMarginalsAndLoseDependence() {
        Dataset<Row> baseline = SyntheticDataQuality.independentColumns(real, 7).cache();
        assertEquals(real.schema(), baseline.schema());
        assertEquals(ROWS, baseline.count());
        QualityReport report = SyntheticDataQuality.compare(real, baseline);
        for (String c : COLUMNS) {
            assertEquals(1.0, report.columnShape(c), 1e-12, c + ": " + report);
        }
        assertEquals(0.0, report.maxNullRateGap(), 1e-12);
        assertTrue(report.pairDependence() < freshReport.pairDependence() - 0.05, report + "\n" + freshReport);
        assertTrue(report.pairScore("age", "income") < 0.85, report.toString());
        assertTrue(report.pairScore("score", "segment") < 0.85, report.toString());
        assertTrue(report.pairScore("active", "visits") < 0.85, report.toString());
        // The independent country column keeps its (near-zero) association either way.
        assertTrue(report.pairScore("country", "segment") > 0.95, report.toString());
        // Reproducible: the same seed shuffles the same way.
        List<Row> once = sorted(baseline);
        assertEquals(once, sorted(SyntheticDataQuality.independentColumns(real, 7)));
        baseline.unpersist();
    }

    private static List<Row> sorted(Dataset<Row> table) {
        return table.orderBy(Arrays.stream(COLUMNS).map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList();
    }

    @Test
    void rowPermutationsAreBijections() {
        for (long n : new long[] {1, 2, 3, 5, 64, 100, 1000, 1025}) {
            RowPermutation p = new RowPermutation(n, 42 + n);
            java.util.Set<Long> images = new java.util.HashSet<>();
            for (long j = 0; j < n; j++) {
                long image = p.apply(j);
                assertTrue(image >= 0 && image < n, n + ": " + image);
                images.add(image);
            }
            assertEquals(n, images.size(), "n = " + n);
        }
        RowPermutation p = new RowPermutation(1000, 1);
        assertTrue(java.util.stream.LongStream.range(0, 1000).filter(j -> p.apply(j) == j).count() < 10,
                "a permutation that moves almost nothing");
    }

    @Test
    void aShiftedColumnDropsAloneBelowThreshold() {
        Dataset<Row> shifted = fresh.withColumn("income", functions.col("income").multiply(2));
        QualityReport report = SyntheticDataQuality.compare(real, shifted);
        assertTrue(report.columnShape("income") < 0.7, report.toString());
        for (String c : COLUMNS) {
            if (!c.equals("income")) {
                assertTrue(report.columnShape(c) >= 0.95, c + ": " + report);
            }
        }
    }

    @Test
    void ksAndTvdAreExactOnHandMadeTables() {
        // x real {1, 2, 3, 4} (+ a null), synthetic {1.5, 2, 10} (+ a NaN): the CDFs differ most
        // at x = 2 (2/4 against 2/3) and x = 4 (1 against 2/3): D = 1/3.
        // level real {a, a, b, c}, synthetic {a, a, a, b} (+ 2 nulls): TVD = (1/4 + 0 + 1/4) / 2 = 1/4.
        // code real {1, 1, 2, 3, 3} against {1, 2, 2, 3}, as categorical: TVD = (3/20 + 3/10 + 3/20) / 2 = 3/10.
        Dataset<Row> a = table(new Object[][] {
            {1.0, "a", 1}, {2.0, "a", 1}, {3.0, "b", 2}, {4.0, "c", 3}, {null, null, 3}});
        Dataset<Row> b = table(new Object[][] {
            {1.5, "a", 1}, {2.0, "a", 2}, {10.0, "a", 2}, {Double.NaN, "b", 3}, {null, null, null}, {null, null, null}});
        QualityReport report = SyntheticDataQuality.compare(a, b, new String[0], new String[] {"code"});
        assertEquals(2.0 / 3, report.columnShape("x"), 1e-12, report.toString());
        assertEquals(0.75, report.columnShape("level"), 1e-12, report.toString());
        assertEquals(0.7, report.columnShape("code"), 1e-12, report.toString());
        // Treated as continuous, the code column gets a KS score instead: D = max(2/5 − 1/4, 3/5 − 3/4, 1 − 1) = 3/20.
        assertEquals(1 - 0.15, SyntheticDataQuality.compare(a, b, "code").columnShape("code"), 1e-12);
    }

    @Test
    void pairScoresAreExactOnHandMadeTables() {
        // Real: y = x (r = 1) and u, v agreeing in 6 of 8 rows: table [[3, 1], [1, 3]], chi² = 2, V = 1/2.
        // Synthetic: y = −x (r = −1) and u, v independent: table [[2, 2], [2, 2]], V = 0.
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType)
                .add("u", DataTypes.StringType).add("v", DataTypes.StringType);
        String[][] realUv = {{"p", "p"}, {"p", "p"}, {"p", "p"}, {"p", "q"}, {"q", "p"}, {"q", "q"}, {"q", "q"},
            {"q", "q"}};
        String[][] synUv = {{"p", "p"}, {"p", "p"}, {"p", "q"}, {"p", "q"}, {"q", "p"}, {"q", "p"}, {"q", "q"},
            {"q", "q"}};
        List<Row> realRows = new java.util.ArrayList<>();
        List<Row> synRows = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            realRows.add(RowFactory.create((double) i, (double) i, realUv[i][0], realUv[i][1]));
            synRows.add(RowFactory.create((double) i, (double) -i, synUv[i][0], synUv[i][1]));
        }
        SparkSession spark = SparkTestSession.get();
        QualityReport report = SyntheticDataQuality.compare(spark.createDataFrame(realRows, schema),
                spark.createDataFrame(synRows, schema));
        assertEquals(0.0, report.pairScore("x", "y"), 1e-12, report.toString());
        assertEquals(0.5, report.pairScore("v", "u"), 1e-12, report.toString());
    }

    @Test
    void nullRatesCountNullAndNaNAsMissing() {
        Dataset<Row> a = table(new Object[][] {
            {1.0, "a", 1}, {null, "a", 1}, {Double.NaN, null, 2}, {4.0, "c", 3}, {5.0, "c", 3}});
        Dataset<Row> b = table(new Object[][] {{1.0, "a", 1}, {2.0, "b", 2}, {3.0, "b", 2}, {4.0, null, 3}});
        QualityReport report = SyntheticDataQuality.compare(a, b);
        assertArrayEquals(new double[] {0.4, 0.0}, report.nullRates("x"), 1e-12);
        assertArrayEquals(new double[] {0.2, 0.25}, report.nullRates("level"), 1e-12);
        assertArrayEquals(new double[] {0.0, 0.0}, report.nullRates("code"), 1e-12);
        assertEquals(0.4, report.maxNullRateGap(), 1e-12);
        // The generator hides 10% of incomes (null) and 5% of scores (half NaN, half null).
        assertEquals(0.10, freshReport.nullRates("income")[0], 0.01);
        assertEquals(0.05, freshReport.nullRates("score")[0], 0.01);
        assertEquals(0.05, freshReport.nullRates("segment")[1], 0.01);
        assertEquals(0.0, freshReport.nullRates("age")[1], 0.0);
    }

    @Test
    void badColumnsAreNamed() {
        Dataset<Row> a = table(new Object[][] {{1.0, "a", 1}});
        Dataset<Row> asText = a.withColumn("code", functions.col("code").cast(DataTypes.StringType));
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(a, a.drop("level")),
                "'level'", "synthetic");
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(a, a, "x", "height"), "'height'", "real");
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(a, asText), "'code'", "int", "string");
        Dataset<Row> withArray = a.withColumn("tags", functions.array(functions.col("level")));
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(withArray, withArray), "'tags'",
                "array<string>");
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(a, a, new String[] {"x"},
                new String[] {"code"}), "'code'");
        QualityReport report = SyntheticDataQuality.compare(a, a, "x");
        InvalidOrIllegal.assertRejected(() -> report.columnShape("level"), "'level'");
        InvalidOrIllegal.assertRejected(() -> report.pairScore("x", "code"), "'x'", "'code'");
        assertTrue(Double.isNaN(report.pairDependence()));
        // An empty table has nothing to compare: not a score of 0.
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(a, a.limit(0)), "synthetic", "no rows");
        InvalidOrIllegal.assertRejected(() -> SyntheticDataQuality.compare(a.where("false"), a), "real", "no rows");
    }

    @Test
    void theReportIsReadableAndSerializable() throws Exception {
        String text = freshReport.format();
        for (String c : COLUMNS) {
            assertTrue(text.contains(c), text);
        }
        assertTrue(text.contains("age ~ income"), text);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(freshReport);
        }
        QualityReport back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (QualityReport) in.readObject();
        }
        assertEquals(text, back.format());
        Row age = freshReport.toDataFrame(SparkTestSession.get()).where("name = 'age'").first();
        assertEquals("continuous", age.getAs("kind"));
        assertEquals(freshReport.columnShape("age"), (double) age.getAs("score"), 0.0);
    }

    @Test
    void generatorIsReproducibleAndHasItsStructure() {
        SparkSession spark = SparkTestSession.get();
        assertEquals(MixedTables.generate(spark, 500, 5, 1).collectAsList(),
                MixedTables.generate(spark, 500, 5, 3).collectAsList());
        double ageIncome = real.stat().corr("age", "income");
        assertTrue(ageIncome > 0.3, "corr(age, income) = " + ageIncome);
        assertTrue(real.where("segment = 'A'").count() > 0 && real.where("segment = 'C'").count() > 0);
    }

    @Test
    void penguinsLoseDependenceWhenColumnsAreShuffled() {
        Assumptions.assumeTrue(MixedTables.penguinsAvailable(), "SKIPPED: " + MixedTables.PENGUINS_CSV
                + " is missing; install it with apt-get install r-cran-palmerpenguins");
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> penguins = MixedTables.penguins(spark).cache();
        assertEquals(344, penguins.count());
        QualityReport self = SyntheticDataQuality.compare(penguins, penguins);
        assertEquals(1.0, self.pairDependence(), 1e-12);
        QualityReport shuffled = SyntheticDataQuality.compare(penguins,
                SyntheticDataQuality.independentColumns(penguins, 3));
        assertEquals(1.0, shuffled.columnShapes(), 1e-12);
        assertTrue(shuffled.pairScore("flipper_length_mm", "body_mass_g") < 0.7, shuffled.toString());
        assertTrue(shuffled.pairScore("species", "island") < 0.7, shuffled.toString());
        assertTrue(shuffled.pairDependence() < 0.9, shuffled.toString());
        penguins.unpersist();
    }

    /** Rows of (x double, level string, code int). */
    private static Dataset<Row> table(Object[][] rows) {
        StructType schema = new StructType().add("x", DataTypes.DoubleType).add("level", DataTypes.StringType)
                .add("code", DataTypes.IntegerType);
        return SparkTestSession.get().createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), schema);
    }
}
