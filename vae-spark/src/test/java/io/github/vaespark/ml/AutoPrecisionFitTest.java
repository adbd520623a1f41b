package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.Bfloat16Kernels;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * precision=auto end to end: fit resolves it to float32 or bfloat16 (float32 where the CPU lacks
 * native bfloat16), the model and summary say which and why, the weights are those of the explicit
 * choice, a resumed fit keeps its checkpoint's precision, and a model refuses "auto".
 */
class AutoPrecisionFitTest {
    private static Dataset<Row> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        data = SyntheticData.manifold(600, 0.1, 19, 2).cache();
        data.count();
    }

    private static VariationalAutoencoder vae(String precision) {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {32, 16}).setBatchSize(64)
                .setMaxEpochs(3).setSeed(4).setPrecision(precision);
    }

    @Test
    void fitResolvesAutoAndTrainsExactlyAsTheExplicitChoice() {
        VariationalAutoencoderModel auto = vae("auto").fit(data);
        String chosen = auto.getPrecision();
        System.out.println("AutoPrecisionFitTest: precision=auto chose " + chosen + ": "
                + auto.summary().precisionReason());
        assertTrue(chosen.equals("float32") || chosen.equals("bfloat16"), chosen);
        assertEquals(chosen, auto.summary().precision());
        assertFalse(auto.summary().precisionReason().isEmpty());
        assertTrue(auto.summary().toJson().contains("\"precisionReason\""));
        if (!Bfloat16Kernels.INSTANCE.nativeBf16()) {
            assertEquals("float32", chosen, "no native bfloat16 here");
        }
        assertArrayEquals(vae(chosen).fit(data).weights(), auto.weights());
        assertEquals("auto", auto.parent().getOrDefault(auto.parent().getParam("precision")));
        VariationalAutoencoderModel explicit = vae("float32").fit(data);
        assertEquals("float32", explicit.summary().precision());
        assertEquals("", explicit.summary().precisionReason());
    }

    @Test
    void localModeAsksForAProbeJobOnlyWhereBfloat16CanBeNative() throws java.util.concurrent.TimeoutException {
        AtomicInteger probes = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart e) {
                String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
                if (d != null && d.contains("precision=auto probe")) {
                    probes.incrementAndGet();
                }
            }
        };
        org.apache.spark.SparkContext sc = data.sparkSession().sparkContext();
        sc.addSparkListener(listener);
        try {
            VariationalAutoencoderModel auto = vae("auto").setMaxEpochs(1).fit(data);
            sc.listenerBus().waitUntilEmpty();
            boolean platform = OneDnn.platformSupportsBf16();
            System.out.println("AutoPrecisionFitTest: platform bfloat16 " + platform + ", probe jobs " + probes.get()
                    + ", chose " + auto.getPrecision() + ": " + auto.summary().precisionReason());
            // local[2]: the tasks run on this CPU, so without avx512_bf16/amx_bf16 nothing needs probing
            assertEquals(platform ? 1 : 0, probes.get());
            if (!platform) {
                assertEquals("float32", auto.getPrecision());
                assertTrue(auto.summary().precisionReason().contains("not native"), auto.summary().precisionReason());
            }
        } finally {
            sc.removeSparkListener(listener);
        }
    }

    @Test
    void aTableModelResolvesAutoToo() {
        Dataset<Row> table = TabularModelTest.table(400, 5);
        VariationalAutoencoder vae = new VariationalAutoencoder().setInputCols(TabularModelTest.COLUMNS)
                .setLatentDim(3).setEncoderLayers(new int[] {16}).setBatchSize(100).setMaxEpochs(2).setSeed(2);
        VariationalAutoencoderModel auto = vae.copy(new org.apache.spark.ml.param.ParamMap()).setPrecision("auto")
                .fit(table);
        System.out.println("AutoPrecisionFitTest (table): " + auto.summary().precisionReason());
        assertArrayEquals(vae.setPrecision(auto.getPrecision()).fit(table).weights(), auto.weights());
    }

    @Test
    void aResumedFitKeepsItsCheckpointsPrecision() {
        String dir = tmp.resolve("ckpt").toString();
        vae("bfloat16").setMaxEpochs(1).setCheckpointDir(dir).fit(data);
        VariationalAutoencoderModel resumed = vae("auto").setMaxEpochs(2).setCheckpointDir(dir).fit(data);
        assertEquals("bfloat16", resumed.getPrecision());
        assertEquals(1, resumed.summary().resumedFromEpoch());
        assertTrue(resumed.summary().precisionReason().contains("resuming"), resumed.summary().precisionReason());
        assertArrayEquals(vae("bfloat16").setMaxEpochs(2).fit(data).weights(), resumed.weights());
    }

    @Test
    void aModelRefusesAuto() {
        VariationalAutoencoderModel model = vae("float32").setMaxEpochs(1).fit(data);
        assertThrows(IllegalArgumentException.class, () -> model.setPrecision("auto"));
        VariationalAutoencoderModel copy = model.copy(new org.apache.spark.ml.param.ParamMap()
                .put(model.precision(), "AUTO"));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> copy.transform(data));
        assertTrue(e.getMessage().contains("precision"), e.getMessage());
    }
}
