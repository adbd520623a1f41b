package io.github.vaespark.ml;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructType;

/**
 * Generation as a stage, for clients that cannot call {@link VariationalAutoencoderModel#sample}
 * (Spark Connect): {@code transform} generates rows from the model saved at {@code modelPath}, on
 * the executors.
 * <ul>
 *   <li>Vector models and unconditional table models: the input needs an integral {@code id}
 *       column (e.g. {@code spark.range(n)}); the output has one row per input row: the id (named
 *       {@code id}, or {@code sample_id} when the model generates an {@code id} column:
 *       {@link VariationalAutoencoderModel#sampleIdCol()}), then what {@code sample(spark, n, seed)}
 *       generates for that id ({@code latent} and
 *       {@code sample} vectors, or the table's columns). Other input columns are not kept. The same
 *       ids and seed draw the same noise as {@code sample(spark, n, seed)} for ids 0 … n-1; the
 *       decoded values are bit-identical when the rows are batched alike (same partitioning) and
 *       may otherwise differ in the last float32 bits (GEMM results depend on the batch shape).</li>
 *   <li>Conditional table models: the input rows are the conditions; the output is
 *       {@code sample(conditions, seed)}: the input's columns, then the generated columns.</li>
 * </ul>
 */
public final class VaeSampler extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final DefaultParamsReadable<VaeSampler> READABLE = new DefaultParamsReadable<>() {
    };

    private final String uid;
    private final Param<String> modelPath;
    private final LongParam seed;
    private transient String loadedPath;
    private transient VariationalAutoencoderModel loaded;

    /** A sampler with the given uid (how Spark and Spark Connect create stages). */
    public VaeSampler(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath",
                "path of a VariationalAutoencoderModel saved with write().save(path) (any Hadoop file system)",
                ParamChecks.<String>of(p -> p != null && !p.isEmpty()));
        seed = new LongParam(this, "seed", "random seed of the generated rows", ParamChecks.longAny());
        setDefault(seed, 0L);
    }

    /** A sampler with a random uid. */
    public VaeSampler() {
        this(Identifiable.randomUID("vaeSampler"));
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The path of the saved model that generates. */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** The saved model's path; fails naming the param when it is not set. */
    public String getModelPath() {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("VaeSampler: set modelPath to a saved VariationalAutoencoderModel.");
        }
        return getOrDefault(modelPath);
    }

    /** Sets the path of the saved model. */
    public VaeSampler setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    /** The random seed. */
    public LongParam seed() {
        return seed;
    }

    /** The random seed (default 0). */
    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    /** Sets the random seed. */
    public VaeSampler setSeed(long value) {
        set(seed, value);
        return this;
    }

    /** The model at {@code modelPath}, loaded once per path. */
    synchronized VariationalAutoencoderModel model() {
        String path = getModelPath();
        if (loaded == null || !path.equals(loadedPath)) {
            loaded = VariationalAutoencoderModel.load(path);
            loadedPath = path;
        }
        return loaded;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        VariationalAutoencoderModel model = model();
        if (model.isConditional()) {
            return model.sample(dataset.toDF(), getSeed());
        }
        return model.sampleForIds(dataset.select(functions.col("id").cast(DataTypes.LongType)), getSeed(), false);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        VariationalAutoencoderModel model = model();
        if (model.isConditional()) {
            return model.sampleSchema(schema);
        }
        if (!schema.getFieldIndex("id").isDefined()) {
            throw new InvalidInputException("VaeSampler needs an integral 'id' column, one generated row per id "
                    + "(e.g. spark.range(n)); the input has columns " + String.join(", ", schema.fieldNames()) + ".");
        }
        if (!(schema.apply("id").dataType() instanceof IntegralType)) {
            throw new InvalidInputException("VaeSampler: column 'id' must be integral but is "
                    + schema.apply("id").dataType().simpleString() + ".");
        }
        return model.sampleSchema(model.idSchema());
    }

    @Override
    public VaeSampler copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Spark's own writer for stages that hold only params ({@code DefaultParamsWriter}). */
    @Override
    public MLWriter write() {
        return DefaultParamsWritable.super.write();
    }

    /** Spark's own reader for stages that hold only params ({@code DefaultParamsReader}). */
    public static MLReader<VaeSampler> read() {
        return READABLE.read();
    }

    /** Loads a sampler saved with {@code write().save(path)}. */
    public static VaeSampler load(String path) {
        return read().load(path);
    }
}
