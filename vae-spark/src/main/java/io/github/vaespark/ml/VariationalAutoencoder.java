package io.github.vaespark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableProfiler;
import io.github.vaespark.train.ExchangeChoice;
import io.github.vaespark.train.ExchangeMode;
import io.github.vaespark.train.GradientRounding;
import io.github.vaespark.train.PrecisionChoice;
import io.github.vaespark.train.Trainer;
import io.github.vaespark.train.TrainingConfig;
import io.github.vaespark.train.TrainingData;
import io.github.vaespark.train.EpochObserver;
import io.github.vaespark.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A variational autoencoder as a Spark ML estimator: a Gaussian encoder q(z|x), the
 * reparameterisation trick and a Bernoulli or Gaussian decoder p(x|z), trained on the negative
 * ELBO -log p(x|z) + β·KL(q(z|x) ‖ N(0, I)) with Adam and synchronous data-parallel gradient
 * averaging over partitions. See {@link VaeParams} for the params.
 *
 * <pre>{@code
 * VariationalAutoencoderModel model = new VariationalAutoencoder()
 *     .setFeaturesCol("features").setLatentDim(20).setEncoderLayers(new int[] {512, 256})
 *     .setLikelihood("bernoulli").setMaxEpochs(10)
 *     .fit(train);
 * model.transform(test).select("latentMean", "reconstruction");
 * }</pre>
 */
public final class VariationalAutoencoder extends Estimator<VariationalAutoencoderModel>
        implements VaeParams, MLWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VariationalAutoencoder.class);

    static {
        // Before Spark's MLlib or anything else touches netlib, which reads its settings once per JVM.
        NativeBlas.ensureLoadedEarly();
    }

    private final String uid;
    private final VaeParamSet paramSet;
    private transient List<TrainingListener> listeners = new ArrayList<>();

    public VariationalAutoencoder(String uid) {
        this.uid = uid;
        this.paramSet = new VaeParamSet(this);
    }

    public VariationalAutoencoder() {
        this(Identifiable.randomUID("vae"));
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public VaeParamSet paramSet() {
        return paramSet;
    }

    public VariationalAutoencoder setFeaturesCol(String value) {
        set(featuresCol(), value);
        return this;
    }

    public VariationalAutoencoder setLatentMeanCol(String value) {
        set(latentMeanCol(), value);
        return this;
    }

    public VariationalAutoencoder setReconstructionCol(String value) {
        set(reconstructionCol(), value);
        return this;
    }

    public VariationalAutoencoder setElboCol(String value) {
        set(elboCol(), value);
        return this;
    }

    public VariationalAutoencoder setElboSamples(int value) {
        set(elboSamples(), value);
        return this;
    }

    public VariationalAutoencoder setLatentColsPrefix(String value) {
        set(latentColsPrefix(), value);
        return this;
    }

    public VariationalAutoencoder setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }

    public VariationalAutoencoder setLatentDim(int value) {
        set(latentDim(), value);
        return this;
    }

    public VariationalAutoencoder setEncoderLayers(int[] value) {
        set(encoderLayers(), value);
        return this;
    }

    public VariationalAutoencoder setDecoderLayers(int[] value) {
        set(decoderLayers(), value);
        return this;
    }

    public VariationalAutoencoder setActivation(String value) {
        set(activation(), value);
        return this;
    }

    public VariationalAutoencoder setLikelihood(String value) {
        set(likelihood(), value);
        return this;
    }

    public VariationalAutoencoder setPrecision(String value) {
        set(precision(), value);
        return this;
    }

    public VariationalAutoencoder setBeta(double value) {
        set(beta(), value);
        return this;
    }

    public VariationalAutoencoder setKlWarmupEpochs(int value) {
        set(klWarmupEpochs(), value);
        return this;
    }

    public VariationalAutoencoder setMaxEpochs(int value) {
        set(maxEpochs(), value);
        return this;
    }

    public VariationalAutoencoder setBatchSize(int value) {
        set(batchSize(), value);
        return this;
    }

    public VariationalAutoencoder setStepSize(double value) {
        set(stepSize(), value);
        return this;
    }

    public VariationalAutoencoder setMaxGradNorm(double value) {
        set(maxGradNorm(), value);
        return this;
    }

    public VariationalAutoencoder setSeed(long value) {
        set(seed(), value);
        return this;
    }

    public VariationalAutoencoder setValidationIndicatorCol(String value) {
        set(validationIndicatorCol(), value);
        return this;
    }

    public VariationalAutoencoder setPatience(int value) {
        set(patience(), value);
        return this;
    }

    public VariationalAutoencoder setCheckpointDir(String value) {
        set(checkpointDir(), value);
        return this;
    }

    public VariationalAutoencoder setCheckpointInterval(int value) {
        set(checkpointInterval(), value);
        return this;
    }

    public VariationalAutoencoder setMaxPartitions(int value) {
        set(maxPartitions(), value);
        return this;
    }

    public VariationalAutoencoder setExchangeMode(String value) {
        set(exchangeMode(), value);
        return this;
    }

    /** "float32" (default) or "bfloat16" (see {@link VaeParams#exchangePrecision()}). */
    public VariationalAutoencoder setExchangePrecision(String value) {
        set(exchangePrecision(), value);
        return this;
    }

    /** Models these table columns directly instead of featuresCol (see {@link VaeParams#inputCols()}). */
    public VariationalAutoencoder setInputCols(String[] value) {
        set(inputCols(), value);
        return this;
    }

    /** Numeric columns of inputCols/conditionCols that hold category codes. */
    public VariationalAutoencoder setCategoricalCols(String[] value) {
        set(categoricalCols(), value);
        return this;
    }

    /** Columns a conditional VAE is given in both halves (with inputCols). */
    public VariationalAutoencoder setConditionCols(String[] value) {
        set(conditionCols(), value);
        return this;
    }

    public VariationalAutoencoder setMaxCategories(int value) {
        set(maxCategories(), value);
        return this;
    }

    /** "quantile" (default) or "standard" normalisation of continuous table columns. */
    public VariationalAutoencoder setContinuousScaling(String value) {
        set(continuousScaling(), value);
        return this;
    }

    /**
     * Share of each training row's present cells hidden from the encoder at every step (table
     * models; 0, the default, hides none): better imputation of values rarely missing in training
     * and column scores that name the odd column more often.
     */
    public VariationalAutoencoder setMaskRate(double value) {
        set(maskRate(), value);
        return this;
    }

    /** Output columns of the fitted model holding input values with missing ones imputed. */
    public VariationalAutoencoder setImputedCols(String[] value) {
        set(imputedCols(), value);
        return this;
    }

    /** Output column of the fitted model with each input column's negative log-likelihood. */
    public VariationalAutoencoder setColumnScoresCol(String value) {
        set(columnScoresCol(), value);
        return this;
    }

    /**
     * Adds a listener told about every finished epoch (progress bars, notebooks). Listeners are
     * not params: they are neither copied nor saved.
     */
    public VariationalAutoencoder addTrainingListener(TrainingListener listener) {
        listeners().add(listener);
        return this;
    }

    /** "name=value, …" of every param set or defaulted, arrays written out (for the log). */
    private String paramsForLog() {
        StringBuilder b = new StringBuilder();
        for (org.apache.spark.ml.param.ParamPair<?> pair : extractParamMap().toList()) {
            Object v = pair.value();
            String text = v instanceof int[] a ? java.util.Arrays.toString(a)
                    : v instanceof double[] d ? java.util.Arrays.toString(d)
                    : v instanceof String[] s ? java.util.Arrays.toString(s) : String.valueOf(v);
            b.append(b.length() == 0 ? "" : ", ").append(pair.param().name()).append('=').append(text);
        }
        return b.toString();
    }

    private List<TrainingListener> listeners() {
        if (listeners == null) {
            listeners = new ArrayList<>();
        }
        return listeners;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String indicator = getValidationIndicatorCol();
        if (!indicator.isEmpty()
                && !(FeatureColumn.field(schema, indicator).dataType() instanceof BooleanType)) {
            throw new InvalidInputException("Column '" + indicator + "' (validationIndicatorCol) must be boolean "
                    + "but is " + FeatureColumn.field(schema, indicator).dataType().simpleString() + ".");
        }
        if (isTabular()) {
            try {
                TableProfiler.check(schema, getInputCols(), getCategoricalCols(), getConditionCols());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
            String[] inputs = getInputCols();
            org.apache.spark.sql.types.DataType[] types = new org.apache.spark.sql.types.DataType[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                types[i] = schema.apply(inputs[i]).dataType();
            }
            return OutputColumns.append(schema, this, -1, getLatentDim(), types);
        }
        if (getConditionCols().length > 0) {
            throw new InvalidInputException("conditionCols needs inputCols: a conditional VAE models table columns.");
        }
        if (getMaskRate() > 0) {
            throw new InvalidInputException("maskRate = " + getMaskRate() + " needs inputCols: it hides table cells "
                    + "from the encoder (a vector column has no missing values to learn to fill in).");
        }
        FeatureColumn.kindOf(schema, getFeaturesCol());
        return OutputColumns.append(schema, this, FeatureColumn.sizeFromMetadata(schema, getFeaturesCol()),
                getLatentDim());
    }

    @Override
    public VariationalAutoencoderModel fit(Dataset<?> dataset) {
        NativeBlas.ensureLoaded(dataset.sparkSession().sparkContext().getConf());
        transformSchema(dataset.schema(), true);
        boolean skip = "skip".equals(getHandleInvalid());
        TrainingData train = null;
        TrainingData validation = null;
        try {
            VaeLayout layout;
            RowReader reader;
            TableCodec codec = null;
            String what;
            if (isTabular()) {
                long start = System.nanoTime();
                codec = profile(dataset);
                LOG.info("{}: profiled {} in {} s", uid, codec, String.format(java.util.Locale.ROOT, "%.2f",
                        (System.nanoTime() - start) / 1e9));
                layout = new VaeLayout(codec.mixedColumns(), codec.conditionDim(), getEncoderLayers(), getLatentDim(),
                        getDecoderLayers(), Activation.fromParam(getActivation()));
                reader = new TableRows(codec, false, skip);
                what = "columns " + String.join(", ", reader.columns());
            } else {
                String column = getFeaturesCol();
                int dim = FeatureColumn.inferDim(dataset, column);
                layout = layoutFor(dim);
                reader = new FeatureColumn(column, FeatureColumn.kindOf(dataset.schema(), column), dim,
                        layout.likelihood(), skip);
                what = "column '" + column + "'";
            }
            int maxPartitions = getMaxPartitions() > 0 ? getMaxPartitions() : defaultPartitions(dataset);
            LOG.info("{}: fitting {} ({} parameters) on {} with params {}", uid, layout.describe(),
                    layout.numParams(), what, paramsForLog());
            String indicator = getValidationIndicatorCol();
            ExchangeMode exchange = ExchangeMode.fromParam(getExchangeMode());
            String precisionReason = "";
            Precision precision;
            if (AUTO_PRECISION.equals(getPrecision())) {
                int chunkRows = Math.min(TrainingConfig.DEFAULT_CHUNK_ROWS,
                        (getBatchSize() + maxPartitions - 1) / maxPartitions);
                long start = System.nanoTime();
                PrecisionChoice choice = AutoPrecision.choose(dataset, reader, indicator, layout, chunkRows,
                        getSeed(), getCheckpointDir());
                precision = choice.chosen();
                precisionReason = choice.reason();
                LOG.info("{}: precision=auto chose {} in {} s: {}", uid, precision.paramName(),
                        String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9),
                        precisionReason);
            } else {
                precision = precisionValue();
            }
            train = TrainingInput.cache(dataset, reader, indicator, false, precision, maxPartitions,
                    exchange, "vae-spark training rows (" + uid + ")");
            if (!indicator.isEmpty()) {
                // Validation rows are scored by ordinary Spark jobs.
                validation = TrainingInput.cache(dataset, reader, indicator, true, precision, maxPartitions,
                        ExchangeMode.JOBS, "vae-spark validation rows (" + uid + ")");
            }
            if (train.rows() == 0 && validation != null && validation.rows() > 0) {
                throw new InvalidInputException("Every valid row is a validation row (validationIndicatorCol '"
                        + indicator + "' is true on all " + validation.rows() + " of them): nothing is left to "
                        + "train on. Mark the training rows false.");
            }
            if (train.rows() == 0) {
                throw new InvalidInputException(capitalised(what) + (what.startsWith("columns") ? " have" : " has")
                        + " no valid training rows"
                        + (train.skipped() > 0 ? " (" + train.skipped() + " invalid rows were skipped)" : "")
                        + ": cannot fit a VariationalAutoencoder on an empty dataset.");
            }
            if (train.skipped() > 0 || (validation != null && validation.skipped() > 0)) {
                LOG.warn("{}: skipped {} invalid rows of {} (handleInvalid=skip)", uid,
                        train.skipped() + (validation == null ? 0 : validation.skipped()), what);
            }
            TrainingConfig config = new TrainingConfig(layout, precision, getBeta(), getKlWarmupEpochs(),
                    getMaxEpochs(), getBatchSize(), getStepSize(), getSeed(), getMaxGradNorm(), getPatience(),
                    getCheckpointDir().isEmpty() ? null : getCheckpointDir(), getCheckpointInterval(),
                    TrainingConfig.DEFAULT_CHUNK_ROWS, exchange, GradientRounding.fromParam(getExchangePrecision()),
                    getMaskRate());
            List<EpochObserver> observers = new ArrayList<>();
            for (TrainingListener listener : listeners()) {
                observers.add((stats, max) -> listener.onEpochEnd(EpochSummary.of(stats), max));
            }
            TrainingResult result = new Trainer(train, validation, config, observers).run();
            VariationalAutoencoderModel model = new VariationalAutoencoderModel(uid, layout, result.params(), codec);
            copyValues(model, ParamMap.empty());
            model.setPrecision(precision.paramName());
            model.setParent(this);
            return model.setSummary(new VariationalAutoencoderSummary(result, precision.paramName(),
                    precisionReason));
        } catch (Exception e) {
            throw Failures.translate(e);
        } finally {
            if (train != null) {
                train.unpersist();
            }
            if (validation != null) {
                validation.unpersist();
            }
        }
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The table columns' kinds, levels and scales, learned with Spark aggregations. */
    private TableCodec profile(Dataset<?> dataset) {
        try {
            return TableProfiler.profile(dataset, getInputCols(), getCategoricalCols(), getConditionCols(),
                    getMaxCategories(), getContinuousScaling());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /** One training partition per task slot: default parallelism over spark.task.cpus. */
    private static int defaultPartitions(Dataset<?> dataset) {
        return Math.max(1, ExchangeChoice.taskSlots(dataset.sparkSession().sparkContext()));
    }

    @Override
    public VariationalAutoencoder copy(ParamMap extra) {
        VariationalAutoencoder copy = defaultCopy(extra);
        copy.listeners().addAll(listeners());
        return copy;
    }

    @Override
    public MLWriter write() {
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                Persistence.saveMetadata(VariationalAutoencoder.this, path, sparkSession(), Map.of());
            }
        };
    }

    /** A reader for estimators saved with {@link #write()}. */
    public static MLReader<VariationalAutoencoder> read() {
        return new MLReader<>() {
            @Override
            public VariationalAutoencoder load(String path) {
                JsonNode metadata = Persistence.loadMetadata(path, sparkSession(), VariationalAutoencoder.class);
                VariationalAutoencoder estimator = new VariationalAutoencoder(metadata.get("uid").asText());
                Persistence.applyParams(estimator, metadata, path);
                return estimator;
            }
        };
    }

    /** Loads an estimator saved with {@code write().save(path)}. */
    public static VariationalAutoencoder load(String path) {
        return read().load(path);
    }
}
