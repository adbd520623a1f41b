package io.github.vaespark.ml;

import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The params shared by {@link VariationalAutoencoder} and {@link VariationalAutoencoderModel}:
 * one public accessor per param (which is how Spark finds them for copy, explainParams and
 * persistence) and its getter. The model carries the estimator's params as they were at fit time.
 */
public interface VaeParams extends Params {

    /** The param objects of this stage. */
    VaeParamSet paramSet();

    default Param<String> featuresCol() {
        return paramSet().featuresCol;
    }

    default String getFeaturesCol() {
        return getOrDefault(featuresCol());
    }

    default Param<String> latentMeanCol() {
        return paramSet().latentMeanCol;
    }

    default String getLatentMeanCol() {
        return getOrDefault(latentMeanCol());
    }

    default Param<String> reconstructionCol() {
        return paramSet().reconstructionCol;
    }

    default String getReconstructionCol() {
        return getOrDefault(reconstructionCol());
    }

    default Param<String> elboCol() {
        return paramSet().elboCol;
    }

    /** The ELBO column name, or "" when none is added. */
    default String getElboCol() {
        return isDefined(elboCol()) ? getOrDefault(elboCol()) : "";
    }

    default IntParam elboSamples() {
        return paramSet().elboSamples;
    }

    default int getElboSamples() {
        return (Integer) getOrDefault(elboSamples());
    }

    default Param<String> latentColsPrefix() {
        return paramSet().latentColsPrefix;
    }

    /** The flat latent column prefix, or "" when none are added. */
    default String getLatentColsPrefix() {
        return isDefined(latentColsPrefix()) ? getOrDefault(latentColsPrefix()) : "";
    }

    default Param<String> handleInvalid() {
        return paramSet().handleInvalid;
    }

    /** The handleInvalid value, lower case whatever case it was set in. */
    default String getHandleInvalid() {
        return paramSet().handleInvalid.valueIn(this);
    }

    default IntParam latentDim() {
        return paramSet().latentDim;
    }

    default int getLatentDim() {
        return (Integer) getOrDefault(latentDim());
    }

    default IntArrayParam encoderLayers() {
        return paramSet().encoderLayers;
    }

    default int[] getEncoderLayers() {
        return getOrDefault(encoderLayers()).clone();
    }

    default IntArrayParam decoderLayers() {
        return paramSet().decoderLayers;
    }

    /** The decoder's hidden sizes: as set, or else the encoder's reversed. */
    default int[] getDecoderLayers() {
        if (isDefined(decoderLayers())) {
            return getOrDefault(decoderLayers()).clone();
        }
        int[] enc = getEncoderLayers();
        int[] dec = new int[enc.length];
        for (int i = 0; i < enc.length; i++) {
            dec[i] = enc[enc.length - 1 - i];
        }
        return dec;
    }

    default Param<String> activation() {
        return paramSet().activation;
    }

    /** The activation value, lower case whatever case it was set in. */
    default String getActivation() {
        return paramSet().activation.valueIn(this);
    }

    default Param<String> likelihood() {
        return paramSet().likelihood;
    }

    /** The likelihood value, lower case whatever case it was set in. */
    default String getLikelihood() {
        return paramSet().likelihood.valueIn(this);
    }

    default Param<String> precision() {
        return paramSet().precision;
    }

    /** The precision value, lower case whatever case it was set in. */
    default String getPrecision() {
        return paramSet().precision.valueIn(this);
    }

    default DoubleParam beta() {
        return paramSet().beta;
    }

    default double getBeta() {
        return (Double) getOrDefault(beta());
    }

    default IntParam klWarmupEpochs() {
        return paramSet().klWarmupEpochs;
    }

    default int getKlWarmupEpochs() {
        return (Integer) getOrDefault(klWarmupEpochs());
    }

    default IntParam maxEpochs() {
        return paramSet().maxEpochs;
    }

    default int getMaxEpochs() {
        return (Integer) getOrDefault(maxEpochs());
    }

    default IntParam batchSize() {
        return paramSet().batchSize;
    }

    default int getBatchSize() {
        return (Integer) getOrDefault(batchSize());
    }

    default DoubleParam stepSize() {
        return paramSet().stepSize;
    }

    default double getStepSize() {
        return (Double) getOrDefault(stepSize());
    }

    default DoubleParam maxGradNorm() {
        return paramSet().maxGradNorm;
    }

    default double getMaxGradNorm() {
        return (Double) getOrDefault(maxGradNorm());
    }

    default LongParam seed() {
        return paramSet().seed;
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default Param<String> validationIndicatorCol() {
        return paramSet().validationIndicatorCol;
    }

    /** The validation indicator column, or "" when there is none. */
    default String getValidationIndicatorCol() {
        return isDefined(validationIndicatorCol()) ? getOrDefault(validationIndicatorCol()) : "";
    }

    default IntParam patience() {
        return paramSet().patience;
    }

    default int getPatience() {
        return (Integer) getOrDefault(patience());
    }

    default Param<String> checkpointDir() {
        return paramSet().checkpointDir;
    }

    /** The checkpoint directory, or "" when checkpoints are off. */
    default String getCheckpointDir() {
        return isDefined(checkpointDir()) ? getOrDefault(checkpointDir()) : "";
    }

    default IntParam checkpointInterval() {
        return paramSet().checkpointInterval;
    }

    default int getCheckpointInterval() {
        return (Integer) getOrDefault(checkpointInterval());
    }

    default IntParam maxPartitions() {
        return paramSet().maxPartitions;
    }

    default int getMaxPartitions() {
        return (Integer) getOrDefault(maxPartitions());
    }

    default Param<String> exchangeMode() {
        return paramSet().exchangeMode;
    }

    /** The exchangeMode value, lower case whatever case it was set in. */
    default String getExchangeMode() {
        return paramSet().exchangeMode.valueIn(this);
    }

    /**
     * How the partitions' gradient sums are summed and sent each step: "float32" (default: as
     * computed) or "bfloat16" (each value rounded to bfloat16 first; the peer exchange sends half
     * the bytes). The same in every exchange mode; changes the numbers.
     */
    default Param<String> exchangePrecision() {
        return paramSet().exchangePrecision;
    }

    /** The exchangePrecision value, lower case whatever case it was set in. */
    default String getExchangePrecision() {
        return paramSet().exchangePrecision.valueIn(this);
    }

    /** The network shape these params describe, for input vectors of {@code inputDim}. */
    default StringArrayParam inputCols() {
        return paramSet().inputCols;
    }

    default String[] getInputCols() {
        return getOrDefault(inputCols());
    }

    /** Whether this stage models table columns (inputCols set) rather than one vector column. */
    default boolean isTabular() {
        return getInputCols().length > 0;
    }

    default StringArrayParam categoricalCols() {
        return paramSet().categoricalCols;
    }

    default String[] getCategoricalCols() {
        return getOrDefault(categoricalCols());
    }

    default StringArrayParam conditionCols() {
        return paramSet().conditionCols;
    }

    default String[] getConditionCols() {
        return getOrDefault(conditionCols());
    }

    default IntParam maxCategories() {
        return paramSet().maxCategories;
    }

    default int getMaxCategories() {
        return (Integer) getOrDefault(maxCategories());
    }

    default Param<String> continuousScaling() {
        return paramSet().continuousScaling;
    }

    /** The continuous scaling value, lower case. */
    default String getContinuousScaling() {
        return paramSet().continuousScaling.valueIn(this);
    }

    default StringArrayParam imputedCols() {
        return paramSet().imputedCols;
    }

    default String[] getImputedCols() {
        return getOrDefault(imputedCols());
    }

    default Param<String> columnScoresCol() {
        return paramSet().columnScoresCol;
    }

    default String getColumnScoresCol() {
        return getOrDefault(columnScoresCol());
    }

    default DoubleParam maskRate() {
        return paramSet().maskRate;
    }

    default double getMaskRate() {
        return (Double) getOrDefault(maskRate());
    }

    default VaeLayout layoutFor(int inputDim) {
        return new VaeLayout(inputDim, getEncoderLayers(), getLatentDim(), getDecoderLayers(),
                Activation.fromParam(getActivation()), Likelihood.fromParam(getLikelihood()));
    }

    /**
     * The precision param as an enum; fails for "auto", which only {@code fit} resolves (a model's
     * precision is always a width).
     */
    default Precision precisionValue() {
        String value = getPrecision();
        if (AUTO_PRECISION.equals(value)) {
            throw new InvalidInputException("Param precision is 'auto', which only fit resolves (to float32 or "
                    + "bfloat16, see the fitted model's precision); a model's precision must be float32, float64 "
                    + "or bfloat16.");
        }
        return Precision.fromParam(value);
    }

    /** The precision value that lets {@code fit} choose between float32 and bfloat16. */
    String AUTO_PRECISION = "auto";
}
