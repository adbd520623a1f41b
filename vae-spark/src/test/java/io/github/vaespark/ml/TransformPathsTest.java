package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch transform (Spark's internal rows) and the row-object transform (streaming inputs,
 * and the path transform took before) give the same rows, bit for bit, for every input type and
 * output combination, with skipped invalid rows and rows spanning several batches.
 */
class TransformPathsTest {
    private static final int DIM = 6;
    private static VariationalAutoencoderModel model;

    @BeforeAll
    static void fit() {
        model = new VariationalAutoencoder().setLatentDim(3).setEncoderLayers(new int[] {8}).setMaxEpochs(2)
                .setSeed(4).fit(data("vector", false));
    }

    private static Dataset<Row> data(String kind, boolean withInvalid) {
        SplittableRandom r = new SplittableRandom(9);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1300; i++) {
            double[] v = new double[DIM];
            for (int k = 0; k < DIM; k++) {
                v[k] = (i % 7 == 0 && k % 2 == 0) ? 0 : r.nextGaussian();
            }
            if (withInvalid && i % 97 == 5) {
                v[2] = Double.NaN;
            }
            Object cell = switch (kind) {
                case "vector" -> i % 3 == 0 ? Vectors.dense(v).toSparse() : Vectors.dense(v);
                case "double" -> toList(v, false);
                default -> toList(v, true);
            };
            rows.add(RowFactory.create("row-" + i, i, withInvalid && i % 211 == 7 ? null : cell));
        }
        StructType schema = new StructType().add("name", DataTypes.StringType).add("i", DataTypes.IntegerType)
                .add("features", switch (kind) {
                    case "vector" -> new VectorUDT();
                    case "double" -> DataTypes.createArrayType(DataTypes.DoubleType);
                    default -> DataTypes.createArrayType(DataTypes.FloatType);
                });
        return SparkTestSession.get().createDataFrame(rows, schema).repartition(3);
    }

    private static List<Object> toList(double[] v, boolean floats) {
        List<Object> list = new ArrayList<>();
        for (double x : v) {
            list.add(floats ? (Object) (float) x : (Object) x);
        }
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vector", "double", "float"})
    void bothPathsGiveTheSameRows(String kind) {
        Dataset<Row> input = data(kind, true).cache();
        VariationalAutoencoderModel m = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setHandleInvalid("skip").setElboCol("elbo").setLatentColsPrefix("z_");
        List<Row> fast = m.transform(input).collectAsList();
        List<Row> rows = m.transformThroughRowObjects(input).collectAsList();
        assertEquals(rows.size(), fast.size());
        assertTrue(rows.size() < 1300 && rows.size() > 1200, "invalid rows were skipped: " + rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i), fast.get(i), "row " + i);
        }
        // The batch path also keeps the ML attribute metadata (vector sizes) that transformSchema promises.
        assertEquals(m.transformSchema(input.schema()), m.transform(input).schema());
    }

    /**
     * The batch path reuses its output objects from row to row and its copies of input rows from
     * batch to batch: consumers that keep rows (a sort, a cache, a shuffle) must still see every
     * row as the row path makes it, across several batches of one partition.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vector", "float"})
    void consumersThatKeepRowsSeeEveryRowIntact(String kind) {
        Dataset<Row> input = data(kind, false).coalesce(1);  // 1,300 rows: three batches in one task
        VariationalAutoencoderModel m = model.copy(new org.apache.spark.ml.param.ParamMap()).setElboCol("elbo");
        List<Row> expected = m.transformThroughRowObjects(input).orderBy(functions.col("i").desc()).collectAsList();
        assertEquals(1300, expected.size());
        assertEquals(expected, m.transform(input).orderBy(functions.col("i").desc()).collectAsList(), "sorted");
        Dataset<Row> cached = m.transform(input).cache();
        try {
            assertEquals(1300, cached.count());
            assertEquals(expected, cached.orderBy(functions.col("i").desc()).collectAsList(), "cached");
        } finally {
            cached.unpersist();
        }
        assertEquals(expected, m.transform(input).repartition(4).orderBy(functions.col("i").desc()).collectAsList(),
                "shuffled");
    }

    @Test
    void outputsLeftOutAreNotAdded() {
        Dataset<Row> input = data("vector", false);
        VariationalAutoencoderModel latentOnly = model.copy(new org.apache.spark.ml.param.ParamMap())
                .setReconstructionCol("");
        Dataset<Row> out = latentOnly.transform(input);
        assertEquals(List.of("name", "i", "features", "latentMean"), List.of(out.columns()));
        assertEquals(latentOnly.transformThroughRowObjects(input).collectAsList(), out.collectAsList());
    }
}
