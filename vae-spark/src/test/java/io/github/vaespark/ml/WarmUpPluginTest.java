package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vaespark.SparkTestSession;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The warm-up plugin starts on the driver and on executors, and a fit after it gives the same
 * weights as before it (it keeps nothing that training reads).
 */
class WarmUpPluginTest {

    private static VariationalAutoencoderModel fit(Dataset<Row> data) {
        return new VariationalAutoencoder().setLatentDim(2).setEncoderLayers(new int[] {8}).setMaxEpochs(2)
                .setBatchSize(32).setSeed(3).setLikelihood("gaussian").fit(data);
    }

    @Test
    void startsOnDriverAndExecutorsAndChangesNoResult() throws Exception {
        Dataset<Row> data = SyntheticData.manifold(200, 0.05, 1, 2);
        double[] before = fit(data).weights();

        WarmUpPlugin plugin = new WarmUpPlugin();
        assertEquals(Map.of(), plugin.driverPlugin().init(SparkTestSession.get().sparkContext(), null));
        SparkConf conf = new SparkConf(false);
        PluginContext ctx = (PluginContext) Proxy.newProxyInstance(PluginContext.class.getClassLoader(),
                new Class<?>[] {PluginContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("conf")) {
                        return conf;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        plugin.executorPlugin().init(ctx, Map.of());
        io.github.vaespark.train.WarmUp.startInBackground(conf).get(120, TimeUnit.SECONDS);
        io.github.vaespark.train.WarmUp.run(conf, 20);  // once more here, whatever ran before in this JVM

        assertArrayEquals(before, fit(data).weights(), 0.0, "the same weights after the warm-up");
    }
}
