package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a clear error naming the column, row or param, or is skipped and counted. */
class BadInputTest {

    private static VariationalAutoencoder small() {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {4}).setMaxEpochs(2)
                .setBatchSize(4).setSeed(1);
    }

    static Dataset<Row> frame(DataType type, Object... values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowFactory.create((long) i, values[i]));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType).add("features", type, true);
        return SparkTestSession.get().createDataFrame(rows, schema);
    }

    private static Object[] goodVectors(int n) {
        Object[] v = new Object[n];
        for (int i = 0; i < n; i++) {
            v[i] = Vectors.dense(0.1 * i, 0.5, 1 - 0.05 * i, 0.3);
        }
        return v;
    }

    private static Object[] with(Object[] good, Object... bad) {
        Object[] all = Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        return all;
    }

    private static void assertFailsWith(Executable fit, String... fragments) {
        InvalidInputException e = assertThrows(InvalidInputException.class, fit);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void nullNaNInfinityAndWrongSizeAreErrorsNamingColumnAndRow() {
        VectorUDT vec = new VectorUDT();
        assertFailsWith(() -> small().fit(frame(vec, with(goodVectors(8), (Object) null))),
                "'features'", "row", "is null", "handleInvalid=skip");
        assertFailsWith(() -> small().fit(frame(vec, with(goodVectors(8), Vectors.dense(0, Double.NaN, 0, 0)))),
                "'features'", "NaN at position 1");
        assertFailsWith(() -> small().fit(frame(vec, with(goodVectors(8),
                Vectors.dense(0, 0, Double.POSITIVE_INFINITY, 0)))), "Infinity at position 2");
        assertFailsWith(() -> small().fit(frame(vec, with(goodVectors(8), Vectors.dense(1, 2, 3)))),
                "has size 3 but 4 was expected");
    }

    @Test
    void skipDropsAndCountsInvalidRows() {
        Dataset<Row> data = frame(new VectorUDT(), with(goodVectors(20), null, Vectors.dense(0, Double.NaN, 0, 0),
                Vectors.dense(1, 2)));
        VariationalAutoencoderModel model = small().setHandleInvalid("skip").fit(data);
        assertEquals(3, model.summary().skippedRows());
        assertEquals(20, model.summary().trainingRows());
        assertEquals(20, model.transform(data).count(), "transform with skip drops the invalid rows");
        // Errors inside a user's action arrive wrapped by Spark, with our message in the text.
        Exception e = assertThrows(Exception.class, () -> model.setHandleInvalid("error").transform(data).count());
        assertTrue(e.getMessage().contains("Column 'features' row"), e.getMessage());
    }

    @Test
    void emptyDatasetsAreRefused() {
        assertFailsWith(() -> small().fit(frame(new VectorUDT())), "'features'", "empty dataset");
        assertFailsWith(() -> small().fit(frame(new VectorUDT(), null, null)), "empty dataset");
        assertFailsWith(() -> small().setHandleInvalid("skip").fit(frame(new VectorUDT(),
                Vectors.dense(Double.NaN, 0, 0, 0))), "empty dataset",
                "1 invalid rows were skipped");
        // Every row marked for validation leaves nothing to train on: the message says which column did it.
        Dataset<Row> allValidation = frame(new VectorUDT(), goodVectors(8))
                .withColumn("isVal", org.apache.spark.sql.functions.lit(true));
        assertFailsWith(() -> small().setValidationIndicatorCol("isVal").fit(allValidation),
                "validation row", "'isVal'", "all 8");
    }

    @Test
    void bernoulliNeedsValuesInTheUnitInterval() {
        assertFailsWith(() -> small().setLikelihood("bernoulli").fit(frame(new VectorUDT(),
                with(goodVectors(8), Vectors.dense(0, 1.5, 0, 0)))), "1.5 at position 1", "outside [0, 1]");
    }

    @Test
    void wrongOrMissingColumnsAndTakenOutputNames() {
        assertFailsWith(() -> small().fit(frame(DataTypes.StringType, "a", "b")), "'features'",
                "vector, array<double> or array<float>", "string");
        assertFailsWith(() -> small().setFeaturesCol("nope").fit(frame(new VectorUDT(), goodVectors(4))),
                "'nope' does not exist");
        Dataset<Row> data = frame(new VectorUDT(), goodVectors(8)).withColumnRenamed("id", "latentMean");
        assertFailsWith(() -> small().fit(data), "'latentMean' already exists");
        assertFailsWith(() -> small().setReconstructionCol("latentMean").fit(frame(new VectorUDT(), goodVectors(8))),
                "'latentMean' is requested twice");
        assertFailsWith(() -> small().setValidationIndicatorCol("id").fit(frame(new VectorUDT(), goodVectors(8))),
                "'id'", "must be boolean");
    }

    @Test
    void arrayColumnsOfBothWidthsAndSparseVectorsWork() {
        Object[] dense = goodVectors(12);
        Object[] doubles = new Object[dense.length];
        Object[] floats = new Object[dense.length];
        Object[] mixed = new Object[dense.length];
        for (int i = 0; i < dense.length; i++) {
            double[] v = ((Vector) dense[i]).toArray();
            Double[] d = new Double[v.length];
            Float[] f = new Float[v.length];
            for (int k = 0; k < v.length; k++) {
                d[k] = v[k];
                f[k] = (float) v[k];
            }
            doubles[i] = d;
            floats[i] = f;
            mixed[i] = i % 2 == 0 ? ((Vector) dense[i]).toSparse() : dense[i];
        }
        double[] wDense = small().setPrecision("float64").fit(frame(new VectorUDT(), dense)).weights();
        double[] wMixed = small().setPrecision("float64").fit(frame(new VectorUDT(), mixed)).weights();
        double[] wDoubles = small().setPrecision("float64")
                .fit(frame(DataTypes.createArrayType(DataTypes.DoubleType), doubles)).weights();
        assertArrayEquals(wDense, wMixed, "sparse and dense vectors are the same input");
        assertArrayEquals(wDense, wDoubles, "array<double> is the same input");
        VariationalAutoencoderModel fromFloats = small()
                .fit(frame(DataTypes.createArrayType(DataTypes.FloatType), floats));
        assertEquals(12, fromFloats.transform(frame(DataTypes.createArrayType(DataTypes.FloatType), floats)).count());
    }

    @Test
    void fewerRowsThanPartitionsAndASingleRow() {
        Dataset<Row> three = frame(new VectorUDT(), goodVectors(3)).repartition(8);
        VariationalAutoencoderModel model = small().setMaxPartitions(8).fit(three);
        assertEquals(3, model.summary().trainingRows());
        assertEquals(3, model.transform(three).count());
        VariationalAutoencoderModel one = small().fit(frame(new VectorUDT(), goodVectors(1)));
        assertEquals(2, one.summary().totalSteps());
    }

    @Test
    void extremeMagnitudesStopTrainingWithAHint() {
        Object[] huge = goodVectors(8);
        huge[3] = Vectors.dense(1e30, -1e30, 1e30, 1);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> small().fit(frame(new VectorUDT(), huge)));
        assertTrue(e.getMessage().contains("epoch 1/2"), e.getMessage());
        assertTrue(e.getMessage().contains("StandardScaler"), e.getMessage());
    }
}
