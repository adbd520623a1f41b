package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Bfloat16Kernels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * precision=bfloat16 end to end: it trains about as well as float32 at equal epochs (final
 * training -ELBO within 3 %), is deterministic, saves and loads with its precision, and transforms.
 * On a CPU without native bfloat16 it must be float32 bit for bit, and says so.
 */
class Bfloat16FitTest {
    private static Dataset<Row> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        data = SyntheticData.manifold(800, 0.1, 17, 2).cache();
        data.count();
    }

    private static VariationalAutoencoder vae(String precision) {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {32, 16}).setBatchSize(64)
                .setMaxEpochs(8).setSeed(3).setPrecision(precision);
    }

    private static boolean nativeBf16() {
        boolean available = Bfloat16Kernels.INSTANCE.nativeBf16();
        System.out.println("Bfloat16FitTest ran " + (available ? "natively" : "ON THE FLOAT32 FALLBACK") + ": "
                + OneDnn.description());
        return available;
    }

    private static double finalNegativeElbo(VariationalAutoencoderModel model) {
        double[] history = model.summary().negativeElboHistory();
        return history[history.length - 1];
    }

    @Test
    void trainsAsWellAsFloat32AndIsFloat32WhereUnavailable() {
        VariationalAutoencoderModel float32 = vae("float32").fit(data);
        VariationalAutoencoderModel bfloat16 = vae("bfloat16").fit(data);
        double f = finalNegativeElbo(float32);
        double b = finalNegativeElbo(bfloat16);
        System.out.printf("Bfloat16FitTest: final training -ELBO float32 %.4f, bfloat16 %.4f (%+.2f %%)%n",
                f, b, 100 * (b - f) / Math.abs(f));
        if (nativeBf16()) {
            assertFalse(Arrays.equals(float32.weights(), bfloat16.weights()), "bfloat16 products change the weights");
            assertTrue(Math.abs(b - f) <= 0.03 * Math.abs(f), "-ELBO float32 " + f + " vs bfloat16 " + b);
        } else {
            assertArrayEquals(float32.weights(), bfloat16.weights(), "the fallback is float32 bit for bit");
            assertArrayEquals(float32.summary().negativeElboHistory(), bfloat16.summary().negativeElboHistory());
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        assertArrayEquals(vae("bfloat16").fit(data).weights(), vae("bfloat16").fit(data).weights());
    }

    @Test
    void savesLoadsAndTransformsWithItsPrecision() throws IOException {
        VariationalAutoencoderModel model = vae("bfloat16").setMaxEpochs(2).fit(data);
        assertEquals("bfloat16", model.getPrecision());
        String path = tmp.resolve("model").toString();
        model.write().save(path);
        VariationalAutoencoderModel loaded = VariationalAutoencoderModel.load(path);
        assertEquals("bfloat16", loaded.getPrecision());
        assertArrayEquals(model.weights(), loaded.weights());

        List<Row> before = model.transform(data).orderBy("id").select("latentMean", "reconstruction").collectAsList();
        List<Row> after = loaded.transform(data).orderBy("id").select("latentMean", "reconstruction").collectAsList();
        assertEquals(before, after, "the loaded model transforms as the saved one");
        for (Row r : after) {
            for (double v : ((Vector) r.get(1)).toArray()) {
                assertTrue(Double.isFinite(v), "reconstruction " + r);
            }
        }
    }

    @Test
    void aFloat32ModelTransformsInBfloat16WithinItsRounding() {
        VariationalAutoencoderModel model = vae("float32").setMaxEpochs(2).fit(data);
        List<Row> float32 = model.transform(data).orderBy("id").select("reconstruction").collectAsList();
        model.setPrecision("bfloat16");
        List<Row> bfloat16 = model.transform(data).orderBy("id").select("reconstruction").collectAsList();
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < float32.size(); i++) {
            double[] f = ((Vector) float32.get(i).get(0)).toArray();
            double[] b = ((Vector) bfloat16.get(i).get(0)).toArray();
            for (int j = 0; j < f.length; j++) {
                worst = Math.max(worst, Math.abs(f[j] - b[j]));
                scale = Math.max(scale, Math.abs(f[j]));
            }
        }
        System.out.printf("Bfloat16FitTest: transform in bfloat16 vs float32, worst difference %.3g of %.3g%n",
                worst, scale);
        if (nativeBf16()) {
            assertTrue(worst > 0 && worst <= 0.05 * scale, "worst difference " + worst + " of " + scale);
        } else {
            assertEquals(0, worst, "the fallback transforms as float32");
        }
    }

    @Test
    void aTransformsLastShorterBatchesCreateNoNewGemmShapes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(nativeBf16(),
                () -> "SKIPPED: no native bfloat16 GEMM here (" + OneDnn.description() + ")");
        VariationalAutoencoderModel model = vae("bfloat16").setMaxEpochs(1).fit(data)
                .setElboCol("");
        // 800 rows in partitions whose last batches (of 512 rows) all have different lengths.
        model.transform(data.repartition(1)).count();
        java.util.Set<String> before = io.github.vaespark.blas.Bf16Gemm.shapesCreated();
        for (int parts = 2; parts <= 5; parts++) {
            assertEquals(800, model.transform(data.repartition(parts)).count());
        }
        java.util.Set<String> created = new java.util.TreeSet<>(io.github.vaespark.blas.Bf16Gemm.shapesCreated());
        created.removeAll(before);
        // Counted as distinct shapes: a task thread Spark starts afresh re-creates known shapes, not new ones.
        System.out.println("Bfloat16FitTest: new GEMM shapes in 4 more transforms: " + created);
        assertTrue(created.isEmpty(), created.size() + " new GEMM shapes for last batches of new lengths: " + created);
    }
}
