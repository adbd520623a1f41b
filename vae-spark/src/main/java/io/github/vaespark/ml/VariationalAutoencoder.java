package io.github.vaespark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.train.ExchangeMode;
import io.github.vaespark.train.Trainer;
import io.github.vaespark.train.TrainingConfig;
import io.github.vaespark.train.TrainingData;
import io.github.vaespark.train.TrainingListener;
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

    /**
     * Adds a listener told about every finished epoch (progress bars, notebooks). Listeners are
     * not params: they are neither copied nor saved.
     */
    public VariationalAutoencoder addTrainingListener(TrainingListener listener) {
        listeners().add(listener);
        return this;
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
        FeatureColumn.kindOf(schema, getFeaturesCol());
        return OutputColumns.append(schema, this, FeatureColumn.sizeFromMetadata(schema, getFeaturesCol()),
                getLatentDim());
    }

    @Override
    public VariationalAutoencoderModel fit(Dataset<?> dataset) {
        NativeBlas.ensureLoaded(dataset.sparkSession().sparkContext().getConf());
        transformSchema(dataset.schema(), true);
        String column = getFeaturesCol();
        boolean skip = "skip".equals(getHandleInvalid());
        TrainingData train = null;
        TrainingData validation = null;
        try {
            int dim = FeatureColumn.inferDim(dataset, column);
            VaeLayout layout = layoutFor(dim);
            FeatureColumn features = new FeatureColumn(column, FeatureColumn.kindOf(dataset.schema(), column), dim,
                    layout.likelihood(), skip);
            int maxPartitions = getMaxPartitions() > 0 ? getMaxPartitions() : defaultPartitions(dataset);
            LOG.info("{}: fitting {} ({} parameters) on column '{}' with params {}", uid, layout.describe(),
                    layout.numParams(), column, extractParamMap().toString().replace('\n', ' '));
            String indicator = getValidationIndicatorCol();
            ExchangeMode exchange = ExchangeMode.fromParam(getExchangeMode());
            train = TrainingInput.cache(dataset, features, indicator, false, precisionValue(), maxPartitions,
                    exchange, "vae-spark training rows (" + uid + ")");
            if (!indicator.isEmpty()) {
                // Validation rows are scored by ordinary Spark jobs.
                validation = TrainingInput.cache(dataset, features, indicator, true, precisionValue(), maxPartitions,
                        ExchangeMode.JOBS, "vae-spark validation rows (" + uid + ")");
            }
            if (train.rows() == 0) {
                throw new InvalidInputException("Column '" + column + "' has no valid training rows"
                        + (train.skipped() > 0 ? " (" + train.skipped() + " invalid rows were skipped)" : "")
                        + ": cannot fit a VariationalAutoencoder on an empty dataset.");
            }
            if (train.skipped() > 0 || (validation != null && validation.skipped() > 0)) {
                LOG.warn("{}: skipped {} invalid rows of column '{}' (handleInvalid=skip)", uid,
                        train.skipped() + (validation == null ? 0 : validation.skipped()), column);
            }
            TrainingConfig config = new TrainingConfig(layout, precisionValue(), getBeta(), getKlWarmupEpochs(),
                    getMaxEpochs(), getBatchSize(), getStepSize(), getSeed(), getMaxGradNorm(), getPatience(),
                    getCheckpointDir().isEmpty() ? null : getCheckpointDir(), getCheckpointInterval(),
                    TrainingConfig.DEFAULT_CHUNK_ROWS, exchange);
            TrainingResult result = new Trainer(train, validation, config, listeners()).run();
            VariationalAutoencoderModel model = new VariationalAutoencoderModel(uid, layout, result.params());
            copyValues(model, ParamMap.empty());
            model.setParent(this);
            return model.setSummary(new VariationalAutoencoderSummary(result));
        } catch (Exception e) {
            throw translate(e);
        } finally {
            if (train != null) {
                train.unpersist();
            }
            if (validation != null) {
                validation.unpersist();
            }
        }
    }

    /** One training partition per task slot: default parallelism over spark.task.cpus. */
    private static int defaultPartitions(Dataset<?> dataset) {
        return Math.max(1, TrainingData.taskSlots(dataset.sparkSession().sparkContext()));
    }

    /**
     * A Spark job failure caused by bad input becomes that input error (not a wall of Spark text);
     * other failures pass through, checked Spark exceptions wrapped.
     */
    static RuntimeException translate(Exception e) {
        if (e instanceof InvalidInputException invalid) {
            return invalid;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException invalid) {
                InvalidInputException clean = new InvalidInputException(invalid.getMessage());
                clean.initCause(e);
                return clean;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
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
