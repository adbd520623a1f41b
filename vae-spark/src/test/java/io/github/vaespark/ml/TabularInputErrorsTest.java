package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Table inputs: every bad column gets an error naming it (or follows handleInvalid). */
class TabularInputErrorsTest {
    private static Dataset<Row> data;
    private static VariationalAutoencoderModel model;

    @BeforeAll
    static void train() {
        data = TabularModelTest.table(400, 21).cache();
        model = quick().setInputCols(TabularModelTest.COLUMNS).fit(data);
    }

    private static VariationalAutoencoder quick() {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(1)
                .setBatchSize(100);
    }

    private static void assertMessage(RuntimeException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void unseenLevelsAreErrorsNamingColumnAndLevelOrSkipped() {
        Dataset<Row> odd = data.withColumn("segment", lit("unheard-of")).limit(5);
        // Errors inside a user's action arrive wrapped by Spark, with our message in the text.
        Exception e = assertThrows(Exception.class, () -> model.transform(odd).count());
        for (String p : new String[] {"Column 'segment' row", "unheard-of", "not seen in training"}) {
            assertTrue(e.getMessage().contains(p), p + " in " + e.getMessage());
        }
        VariationalAutoencoderModel skipping = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setHandleInvalid("skip");
        Dataset<Row> mixed = data.limit(10).union(odd);
        assertEquals(10, skipping.transform(mixed).count());
    }

    @Test
    void aColumnOfAnotherTypeIsNamed() {
        Dataset<Row> changed = data.withColumn("segment", lit(3));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.transform(changed));
        assertMessage(e, "'segment'", "int", "string");
        Dataset<Row> dropped = data.drop("income");
        assertMessage(assertThrows(InvalidInputException.class, () -> model.transform(dropped)), "'income'");
    }

    @Test
    void tooManyLevelsNamesTheColumnAndItsLevelCount() {
        Dataset<Row> ids = data.withColumn("segment", concat(lit("id-"), col("id").cast("string")));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> quick().setInputCols(TabularModelTest.COLUMNS).setMaxCategories(50).fit(ids));
        assertMessage(e, "'segment'", "400 distinct values", "maxCategories = 50");
    }

    @Test
    void allNullAndUnsupportedColumnsAreNamed() {
        Dataset<Row> empty = data.withColumn("income", lit(null).cast("double"));
        assertMessage(assertThrows(InvalidInputException.class,
                () -> quick().setInputCols(TabularModelTest.COLUMNS).fit(empty)), "'income'", "no non-missing");
        Dataset<Row> listed = data.withColumn("tags", array(lit("a"), lit("b")));
        assertMessage(assertThrows(InvalidInputException.class,
                () -> quick().setInputCols(new String[] {"score", "tags"}).fit(listed)), "'tags'", "array<string>",
                "date, timestamp or timestamp_ntz (continuous)");
        assertMessage(assertThrows(InvalidInputException.class,
                () -> quick().setInputCols(new String[] {"score", "nope"}).fit(data)), "'nope'", "available columns");
        assertMessage(assertThrows(InvalidInputException.class,
                () -> quick().setConditionCols(new String[] {"segment"}).fit(data)), "conditionCols needs inputCols");
        assertMessage(assertThrows(InvalidInputException.class,
                () -> quick().setInputCols(new String[] {"score"}).setCategoricalCols(new String[] {"visits"})
                        .fit(data)), "'visits'", "categoricalCols");
    }

    @Test
    void outputParamsAreChecked() {
        assertMessage(assertThrows(InvalidInputException.class,
                () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setImputedCols(new String[] {"a"})
                        .transform(data)), "imputedCols has 1 names", "5 input columns");
        assertMessage(assertThrows(InvalidInputException.class,
                () -> model.copy(new org.apache.spark.ml.param.ParamMap()).setColumnScoresCol("segment")
                        .transform(data)), "'segment' already exists");
    }

    @Test
    void numericCodesCanBeCategorical() {
        VariationalAutoencoderModel coded = quick().setInputCols(new String[] {"score", "visits"})
                .setCategoricalCols(new String[] {"visits"}).fit(data);
        assertEquals(io.github.vaespark.table.ColumnKind.CATEGORICAL, coded.tableColumns().column(1).kind());
        java.util.List<Row> rows = coded.sample(SparkTestSession.get(), 200, 1).collectAsList();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        data.select("visits").distinct().collectAsList().forEach(r -> seen.add(r.getInt(0)));
        for (Row r : rows) {
            assertTrue(r.isNullAt(2) || seen.contains(r.getInt(2)), "a training code: " + r);
        }
    }
}
