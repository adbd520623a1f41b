package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;

/** Params follow MLlib conventions: discoverable, documented, validated, defaulted, copyable. */
class ParamsTest {
    private static final Set<String> EXPECTED = Set.of("featuresCol", "latentMeanCol", "reconstructionCol", "elboCol",
            "elboSamples", "latentColsPrefix", "handleInvalid", "latentDim", "encoderLayers", "decoderLayers",
            "activation", "likelihood", "precision", "beta", "klWarmupEpochs", "maxEpochs", "batchSize", "stepSize",
            "maxGradNorm", "seed", "validationIndicatorCol", "patience", "checkpointDir", "checkpointInterval",
            "maxPartitions", "exchangeMode", "exchangePrecision", "inputCols", "categoricalCols", "conditionCols", "maxCategories",
            "continuousScaling", "imputedCols", "columnScoresCol", "maskRate");

    @Test
    void everyParamIsDiscoverableAndDocumented() {
        VariationalAutoencoder vae = new VariationalAutoencoder();
        Set<String> names = Arrays.stream(vae.params()).map(Param::name).collect(Collectors.toSet());
        assertEquals(EXPECTED, names);
        String explained = vae.explainParams();
        for (String name : EXPECTED) {
            assertTrue(explained.contains(name + ":"), name);
        }
        assertEquals(EXPECTED, Arrays.stream(new VariationalAutoencoderModel().params()).map(Param::name)
                .collect(Collectors.toSet()));
    }

    @Test
    void defaults() {
        VariationalAutoencoder vae = new VariationalAutoencoder();
        assertEquals("features", vae.getFeaturesCol());
        assertEquals("latentMean", vae.getLatentMeanCol());
        assertEquals("reconstruction", vae.getReconstructionCol());
        assertEquals("", vae.getElboCol());
        assertEquals(1.0, vae.getBeta());
        assertEquals("error", vae.getHandleInvalid());
        assertEquals("float32", vae.getPrecision());
        assertEquals("auto", vae.getExchangeMode());
        assertEquals(0.0, vae.getMaskRate());
        assertArrayEquals(new int[] {256, 128}, vae.getEncoderLayers());
        assertArrayEquals(new int[] {128, 256}, vae.getDecoderLayers(), "decoder mirrors the encoder by default");
        vae.setEncoderLayers(new int[] {512, 256, 64});
        assertArrayEquals(new int[] {64, 256, 512}, vae.getDecoderLayers());
        vae.setDecoderLayers(new int[] {});
        assertArrayEquals(new int[] {}, vae.getDecoderLayers());
    }

    @Test
    void invalidValuesAreRejectedNamingTheParam() {
        VariationalAutoencoder vae = new VariationalAutoencoder();
        assertRejected(() -> vae.setLatentDim(0), "latentDim");
        assertRejected(() -> vae.setBatchSize(0), "batchSize");
        assertRejected(() -> vae.setStepSize(0), "stepSize");
        assertRejected(() -> vae.setStepSize(Double.NaN), "stepSize");
        assertRejected(() -> vae.setBeta(-1), "beta");
        assertRejected(() -> vae.setMaxEpochs(0), "maxEpochs");
        assertRejected(() -> vae.setEncoderLayers(new int[] {10, 0}), "encoderLayers");
        assertRejected(() -> vae.setActivation("softmax"), "activation");
        assertRejected(() -> vae.setLikelihood("poisson"), "likelihood");
        assertRejected(() -> vae.setHandleInvalid("keep"), "handleInvalid");
        assertRejected(() -> vae.setPrecision("float16"), "precision");
        assertRejected(() -> vae.setMaxGradNorm(-1), "maxGradNorm");
        assertRejected(() -> vae.setExchangeMode("mpi"), "exchangeMode");
        assertRejected(() -> vae.setExchangePrecision("float16"), "exchangePrecision");
        assertRejected(() -> vae.setMaskRate(1), "maskRate");
        assertRejected(() -> vae.setMaskRate(-0.1), "maskRate");
        assertRejected(() -> vae.setMaskRate(Double.NaN), "maskRate");
    }

    private static void assertRejected(Runnable action, String param) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(param), e.getMessage());
    }

    @Test
    void copyKeepsUidAndParamsAndAppliesExtras() {
        VariationalAutoencoder vae = new VariationalAutoencoder().setLatentDim(7).setBeta(0.3);
        VariationalAutoencoder copy = vae.copy(ParamMap.empty().put(vae.maxEpochs().w(3)));
        assertNotSame(vae, copy);
        assertEquals(vae.uid(), copy.uid());
        assertEquals(7, copy.getLatentDim());
        assertEquals(0.3, copy.getBeta());
        assertEquals(3, copy.getMaxEpochs());
        assertEquals(10, vae.getMaxEpochs());
    }
}
