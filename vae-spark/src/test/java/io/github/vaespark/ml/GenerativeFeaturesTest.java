package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation, single-vector encode/decode, ELBO scores and IWAE likelihood estimates. */
class GenerativeFeaturesTest {
    private static Dataset<Row> data;
    private static VariationalAutoencoderModel model;

    @BeforeAll
    static void train() {
        data = SyntheticData.manifold(1500, 0.1, 17, 2).cache();
        model = new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {32, 16})
                .setActivation("tanh").setBatchSize(64).setStepSize(3e-3).setMaxEpochs(12).setSeed(9)
                .setElboCol("elbo").fit(data);
    }

    @Test
    void samplesFromThePriorAreReproducible() {
        Dataset<Row> s = model.sample(SparkTestSession.get(), 1000, 42);
        assertEquals(List.of("id", "latent", "sample"), List.of(s.columns()));
        List<Row> rows = s.orderBy("id").collectAsList();
        assertEquals(1000, rows.size());
        assertEquals(2, ((Vector) rows.get(0).get(1)).size());
        assertEquals(SyntheticData.DIM, ((Vector) rows.get(0).get(2)).size());
        List<Row> again = model.sample(SparkTestSession.get(), 1000, 42).orderBy("id").collectAsList();
        assertEquals(rows, again);
        assertFalse(rows.equals(model.sample(SparkTestSession.get(), 1000, 43).orderBy("id").collectAsList()));
        // z ~ N(0, I): sample mean near 0 and variance near 1.
        double mean = 0;
        double sq = 0;
        for (Row r : rows) {
            double z = ((Vector) r.get(1)).apply(0);
            mean += z / rows.size();
            sq += z * z / rows.size();
        }
        assertEquals(0, mean, 0.1);
        assertEquals(1, sq - mean * mean, 0.15);
        // The decoded sample is the decoder mean of the latent.
        Row first = rows.get(0);
        assertArrayEquals(model.decode((Vector) first.get(1)).toArray(), ((Vector) first.get(2)).toArray(), 1e-4);
    }

    @Test
    void bernoulliDrawsAreZeroOrOne() {
        Dataset<Row> unit = data.select(functions.col("id"), org.apache.spark.ml.functions.array_to_vector(
                functions.transform(org.apache.spark.ml.functions.vector_to_array(functions.col("features"), "float64"),
                        v -> functions.lit(1).divide(functions.lit(1).plus(functions.exp(v.multiply(-1)))))).as("features"));
        VariationalAutoencoderModel bern = new VariationalAutoencoder().setLikelihood("bernoulli").setLatentDim(2)
                .setEncoderLayers(new int[] {8}).setMaxEpochs(1).fit(unit);
        for (Row r : bern.sample(SparkTestSession.get(), 50, 1, true).collectAsList()) {
            for (double v : ((Vector) r.get(2)).toArray()) {
                assertTrue(v == 0.0 || v == 1.0, "draw " + v);
            }
        }
    }

    @Test
    void encodeDecodeAndInterpolateMatchTransform() {
        List<Row> out = model.transform(data).select("features", "latentMean", "reconstruction").limit(5)
                .collectAsList();
        for (Row r : out) {
            Vector x = (Vector) r.get(0);
            assertArrayEquals(((Vector) r.get(1)).toArray(), model.encode(x).toArray(), 1e-4);
            assertArrayEquals(((Vector) r.get(2)).toArray(), model.reconstruct(x).toArray(), 1e-4);
        }
        Vector a = (Vector) out.get(0).get(0);
        Vector b = (Vector) out.get(1).get(0);
        List<Vector> path = model.interpolate(a, b, 5);
        assertEquals(5, path.size());
        assertArrayEquals(model.reconstruct(a).toArray(), path.get(0).toArray(), 1e-12);
        assertArrayEquals(model.reconstruct(b).toArray(), path.get(4).toArray(), 1e-12);
        assertThrows(InvalidInputException.class, () -> model.encode(Vectors.dense(1, 2)));
    }

    @Test
    void importanceWeightedBoundIsTighterThanTheElboAndGrowsWithK() {
        double elbo = data.transform(d -> model.transform(d)).agg(functions.avg("elbo")).first().getDouble(0);
        double iwae1 = model.logLikelihood(data, 1);
        double iwae10 = model.logLikelihood(data, 10);
        double iwae100 = model.logLikelihood(data, 100);
        System.out.printf("mean ELBO %.4f, IWAE k=1 %.4f, k=10 %.4f, k=100 %.4f%n", elbo, iwae1, iwae10, iwae100);
        assertTrue(iwae10 > iwae1, "k=10 tighter than k=1");
        assertTrue(iwae100 > iwae10, "k=100 tighter than k=10");
        assertTrue(iwae100 > elbo, "IWAE(100) above the ELBO");
        assertEquals(elbo, iwae1, 0.05 * Math.abs(elbo) + 0.5, "k=1 is an ELBO estimate");
    }

    @Test
    void elboColumnScoresAnomaliesLower() {
        Dataset<Row> scored = model.transform(data);
        double typical = scored.agg(functions.avg("elbo")).first().getDouble(0);
        double[] far = new double[SyntheticData.DIM];
        java.util.Arrays.fill(far, 8.0);
        Dataset<Row> odd = BadInputTest.frame(new org.apache.spark.ml.linalg.VectorUDT(), Vectors.dense(far));
        double anomaly = model.transform(odd).first().getDouble(odd.columns().length + 2);
        assertTrue(anomaly < typical - 10, "an outlier scores far below typical rows: " + anomaly + " vs " + typical);
        List<Row> twice = model.transform(odd.union(odd)).select("elbo").collectAsList();
        assertEquals(twice.get(0), twice.get(1), "the score of a row does not depend on its position");
    }
}
