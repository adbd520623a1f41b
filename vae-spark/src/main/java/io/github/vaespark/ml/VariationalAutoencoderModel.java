package io.github.vaespark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.table.ColumnRef;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.InternalCells;
import io.github.vaespark.table.TableColumn;
import io.github.vaespark.table.TableProfiler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A trained variational autoencoder. {@link #transform} appends the encoder mean μ(x)
 * ({@code latentMeanCol}) and the decoder mean of μ(x) ({@code reconstructionCol}), and
 * optionally the row's ELBO ({@code elboCol}) and flat latent columns ({@code latentColsPrefix}).
 * Rows are processed in batches with GEMM; batch and streaming DataFrames are both accepted.
 */
public final class VariationalAutoencoderModel extends Model<VariationalAutoencoderModel>
        implements VaeParams, MLWritable {
    private static final long serialVersionUID = 1L;

    static {
        // Before Spark's MLlib or anything else touches netlib, which reads its settings once per JVM.
        NativeBlas.ensureLoadedEarly();
    }

    private final String uid;
    private final VaeParamSet paramSet;
    private final VaeLayout layout;
    private final double[] weights;
    private final TableCodec table;
    private transient VariationalAutoencoderSummary summary;
    private transient Broadcast<?> broadcastWeights;

    /** A model with the given network and flat parameter vector (see {@link VaeLayout} for the order). */
    public VariationalAutoencoderModel(String uid, VaeLayout layout, double[] weights) {
        this(uid, layout, weights, null);
    }

    /**
     * A table model: {@code table} describes its input and condition columns (kinds, levels,
     * scales) and must match the layout's mixed likelihood.
     */
    public VariationalAutoencoderModel(String uid, VaeLayout layout, double[] weights, TableCodec table) {
        this.uid = uid;
        this.paramSet = new VaeParamSet(this);
        this.layout = layout;
        this.weights = weights == null ? null : weights.clone();
        this.table = table;
        if (layout != null && (weights == null || weights.length != layout.numParams())) {
            throw new IllegalArgumentException("Expected " + layout.numParams() + " weights for " + layout.describe());
        }
        if (layout != null && table != null && (!table.mixedColumns().equals(layout.mixedColumns())
                || table.conditionDim() != layout.conditionDim())) {
            throw new IllegalArgumentException("The table description does not match the network " + layout.describe());
        }
        if (table != null) {
            set(inputCols(), table.featureNames().toArray(new String[0]));
            set(conditionCols(), table.conditionNames().toArray(new String[0]));
        }
        if (layout != null) {
            set(latentDim(), layout.latentDim());
            set(encoderLayers(), layout.encoderHidden());
            set(decoderLayers(), layout.decoderHidden());
            set(activation(), layout.activation().paramName());
            set(likelihood(), layout.likelihood().paramName());
        }
    }

    /**
     * An empty placeholder, for Spark's service loading (Spark Connect) only: it has no weights and
     * cannot transform. Obtain real models from {@link VariationalAutoencoder#fit} or {@link #load}.
     */
    public VariationalAutoencoderModel() {
        this(Identifiable.randomUID("vaeModel"), null, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public VaeParamSet paramSet() {
        return paramSet;
    }

    /** The network shape. */
    public VaeLayout layout() {
        return requireWeights();
    }

    /**
     * The input and condition columns of a table model (kinds, levels, scales, training missing
     * rates); null for a model of a vector column.
     */
    public TableCodec tableColumns() {
        return table;
    }

    /** Size of the input vectors (for a table model: of the encoded feature vector). */
    public int numFeatures() {
        return requireWeights().inputDim();
    }

    /** A copy of the flat parameter vector. */
    public double[] weights() {
        requireWeights();
        return weights.clone();
    }

    /**
     * Writes the model as two standard ONNX graphs for serving outside Spark: {@code encoder.onnx}
     * (input {@code features}, float32 [batch, numFeatures]; outputs {@code latent_mean} and
     * {@code latent_log_variance}, float32 [batch, latentDim]) and {@code decoder.onnx} (input
     * {@code latent}, float32 [batch, latentDim]; output {@code reconstruction}, the decoder mean:
     * probabilities for Bernoulli). Opset 13, symbolic batch dimension. The graphs hold the network
     * only; preprocessing before the VAE in a Pipeline must be applied to their inputs too. A
     * conditional model's graphs also take {@code condition}, float32 [batch, conditionDim] (its
     * encoded condition columns). Refuses to replace existing files.
     *
     * @param dir a local or Hadoop-file-system directory
     */
    public void exportOnnx(String dir) {
        exportOnnx(dir, false);
    }

    /** As {@link #exportOnnx(String)}; with {@code overwrite}, existing graph files are replaced. */
    public void exportOnnx(String dir, boolean overwrite) {
        requireWeights();
        SparkSession active = SparkSession.getActiveSession().isDefined() ? SparkSession.active() : null;
        org.apache.hadoop.conf.Configuration hadoop = active != null ? active.sparkContext().hadoopConfiguration()
                : new org.apache.hadoop.conf.Configuration();
        OnnxFiles.write(dir, layout(), weights, hadoop, overwrite);
    }

    double[] weightsNoCopy() {
        requireWeights();
        return weights;
    }

    private VaeLayout requireWeights() {
        if (layout == null) {
            throw new IllegalStateException("This VariationalAutoencoderModel has no weights: obtain one from "
                    + "VariationalAutoencoder.fit or VariationalAutoencoderModel.load.");
        }
        return layout;
    }

    public VariationalAutoencoderModel setFeaturesCol(String value) {
        set(featuresCol(), value);
        return this;
    }

    public VariationalAutoencoderModel setLatentMeanCol(String value) {
        set(latentMeanCol(), value);
        return this;
    }

    public VariationalAutoencoderModel setReconstructionCol(String value) {
        set(reconstructionCol(), value);
        return this;
    }

    public VariationalAutoencoderModel setElboCol(String value) {
        set(elboCol(), value);
        return this;
    }

    public VariationalAutoencoderModel setElboSamples(int value) {
        set(elboSamples(), value);
        return this;
    }

    public VariationalAutoencoderModel setLatentColsPrefix(String value) {
        set(latentColsPrefix(), value);
        return this;
    }

    public VariationalAutoencoderModel setHandleInvalid(String value) {
        set(handleInvalid(), value);
        return this;
    }

    /** Table models: output columns, one per input column, with missing values imputed. */
    public VariationalAutoencoderModel setImputedCols(String[] value) {
        set(imputedCols(), value);
        return this;
    }

    /** Table models: output column with each input column's negative log-likelihood. */
    public VariationalAutoencoderModel setColumnScoresCol(String value) {
        set(columnScoresCol(), value);
        return this;
    }

    /** Sets the width used by transform ("float32", "float64" or "bfloat16"; "auto" is for fit only). */
    public VariationalAutoencoderModel setPrecision(String value) {
        if (AUTO_PRECISION.equalsIgnoreCase(value)) {
            throw new IllegalArgumentException("precision 'auto' is a choice fit makes; a model's precision must be "
                    + "float32, float64 or bfloat16");
        }
        set(precision(), value);
        return this;
    }

    /** Whether a training summary is attached (only on the model returned by fit). */
    public boolean hasSummary() {
        return summary != null;
    }

    /** The training summary of the fit that produced this model. */
    public VariationalAutoencoderSummary summary() {
        if (summary == null) {
            throw new NoSuchElementException("No training summary: it exists only on the model returned by fit.");
        }
        return summary;
    }

    VariationalAutoencoderModel setSummary(VariationalAutoencoderSummary value) {
        this.summary = value;
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        VaeLayout l = requireWeights();
        precisionValue();  // "auto" is refused before any job runs
        if (table != null) {
            return OutputColumns.append(schema, this, l.inputDim(), l.latentDim(), tableInputTypes(schema));
        }
        FeatureColumn.kindOf(schema, getFeaturesCol());
        int size = FeatureColumn.sizeFromMetadata(schema, getFeaturesCol());
        if (size > 0 && size != l.inputDim()) {
            throw new InvalidInputException("Column '" + getFeaturesCol() + "' holds vectors of size " + size
                    + " but the model was trained on size " + l.inputDim() + ".");
        }
        return OutputColumns.append(schema, this, l.inputDim(), l.latentDim());
    }

    /**
     * Checks that {@code schema} has every input and condition column of this table model with the
     * training type (any numeric type for a numeric one); returns the training types of the input
     * columns.
     */
    private DataType[] tableInputTypes(StructType schema) {
        for (int i = 0; i < table.columnCount(); i++) {
            TableColumn c = table.column(i);
            String param = i < table.features().size() ? "inputCols" : "conditionCols";
            DataType actual;
            try {
                actual = TableProfiler.field(schema, c.name(), param).dataType();
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
            if (!sameFamily(actual, c.type())) {
                throw new InvalidInputException("Column '" + c.name() + "' has type " + actual.simpleString()
                        + " but the model was trained on " + c.type().simpleString() + ".");
            }
        }
        return table.features().stream().map(TableColumn::type).toArray(DataType[]::new);
    }

    private static boolean sameFamily(DataType a, DataType b) {
        return a.equals(b) || (a instanceof org.apache.spark.sql.types.NumericType
                && b instanceof org.apache.spark.sql.types.NumericType);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        NativeBlas.ensureLoaded(dataset.sparkSession().sparkContext().getConf());
        StructType outSchema = transformSchema(dataset.schema(), true);
        if (table != null) {
            return transformTable(dataset, outSchema, true);
        }
        FeatureColumn features = featureColumn(dataset.schema());
        RowTransformer.Outputs outputs = outputs();
        int index = dataset.schema().fieldIndex(features.name());
        if (!internalRowsPossible(dataset)) {
            return transformRows(dataset, features, index, outputs, outSchema);
        }
        // Batch input: rows stay in Spark's internal format, only the appended columns are made.
        return mapInternalRows(dataset, new InternalRowTransformer(executorModel(dataset.sparkSession()), features,
                index, outputs), outSchema);
    }

    /**
     * A table model's transform: on Spark's internal rows where {@code internalRows} allows it and the
     * input is a batch dataset whose table columns have exactly the training types, else through
     * external Rows (streaming and Connect input, columns of another numeric type, which the encoder
     * converts).
     */
    private Dataset<Row> transformTable(Dataset<?> dataset, StructType outSchema, boolean internalRows) {
        TableRows reader = new TableRows(table, false, "skip".equals(getHandleInvalid()));
        int[] index = reader.columns().stream().mapToInt(dataset.schema()::fieldIndex).toArray();
        boolean imputed = getImputedCols().length > 0;
        boolean scores = !getColumnScoresCol().isEmpty();
        InternalCells[] cells = internalRows ? internalTableCells(dataset, reader, index) : null;
        if (cells != null) {
            return mapInternalRows(dataset, new InternalTableTransformer(executorModel(dataset.sparkSession()), reader,
                    index, cells, outputs(), imputed, scores), outSchema);
        }
        return dataset.toDF().mapPartitions(new TableTransformer(executorModel(dataset.sparkSession()), reader,
                index, outputs(), imputed, scores), tableRows(outSchema));
    }

    /** A table model's transform through external Rows only: the reference the internal-row path is tested against. */
    Dataset<Row> transformTableRows(Dataset<?> dataset) {
        return transformTable(dataset, transformSchema(dataset.schema(), true), false);
    }

    /**
     * How to read a table model's columns (at {@code index} of the schema) from a batch dataset's
     * internal rows: null for a streaming or Connect dataset, or where a column's type is not exactly
     * its training type.
     */
    private InternalCells[] internalTableCells(Dataset<?> dataset, TableRows reader, int[] index) {
        if (!internalRowsPossible(dataset)) {
            return null;
        }
        DataType[] types = new DataType[index.length];
        for (int k = 0; k < index.length; k++) {
            types[k] = dataset.schema().fields()[index[k]].dataType();
            if (!types[k].equals(table.column(k).type())) {
                return null;
            }
        }
        return reader.internalCells(types);
    }

    /** Whether a dataset's rows can be read in Spark's internal form: a batch dataset of a classic session. */
    private static boolean internalRowsPossible(Dataset<?> dataset) {
        return !dataset.isStreaming() && dataset.sparkSession() instanceof org.apache.spark.sql.classic.SparkSession;
    }

    /** A batch dataset's internal rows through {@code transformer}, as a DataFrame of {@code outSchema}. */
    private static Dataset<Row> mapInternalRows(Dataset<?> dataset, org.apache.spark.api.java.function.FlatMapFunction<
            java.util.Iterator<org.apache.spark.sql.catalyst.InternalRow>, org.apache.spark.sql.catalyst.InternalRow>
            transformer, StructType outSchema) {
        org.apache.spark.api.java.JavaRDD<org.apache.spark.sql.catalyst.InternalRow> rows =
                ((org.apache.spark.sql.classic.Dataset<?>) dataset).queryExecution().toRdd().toJavaRDD()
                        .mapPartitions(transformer, true);
        return ((org.apache.spark.sql.classic.SparkSession) dataset.sparkSession())
                .internalCreateDataFrame(rows.rdd(), outSchema, false);
    }

    /**
     * The encoder of rows holding table values: lenient, so that dates and timestamps the model makes
     * ({@code LocalDate}, {@code Instant}) and those read from the input (the session's external
     * form) are both accepted.
     */
    private static org.apache.spark.sql.Encoder<Row> tableRows(StructType schema) {
        return org.apache.spark.sql.catalyst.encoders.ExpressionEncoder.apply(schema, true);
    }

    private RowTransformer.Outputs outputs() {
        return new RowTransformer.Outputs(!getLatentMeanCol().isEmpty(), !getReconstructionCol().isEmpty(),
                !getElboCol().isEmpty(), getElboSamples(), !getLatentColsPrefix().isEmpty(), getSeed());
    }

    /** The row-object path of transform (streaming inputs); same results as the internal-row path. */
    private Dataset<Row> transformRows(Dataset<?> dataset, FeatureColumn features, int index,
                                       RowTransformer.Outputs outputs, StructType outSchema) {
        return dataset.toDF().mapPartitions(new RowTransformer(executorModel(dataset.sparkSession()), features,
                index, outputs), Encoders.row(outSchema));
    }

    /** {@link #transform} through the row-object path, for tests that compare both paths. */
    Dataset<Row> transformThroughRowObjects(Dataset<?> dataset) {
        StructType outSchema = transformSchema(dataset.schema(), true);
        FeatureColumn features = featureColumn(dataset.schema());
        return transformRows(dataset, features, dataset.schema().fieldIndex(features.name()), outputs(), outSchema);
    }

    /** The features column of {@code schema} as this model reads it (size, likelihood's range, handleInvalid). */
    private FeatureColumn featureColumn(StructType schema) {
        VaeLayout l = requireWeights();
        String column = getFeaturesCol();
        return new FeatureColumn(column, FeatureColumn.kindOf(schema, column), l.inputDim(), l.likelihood(),
                "skip".equals(getHandleInvalid()));
    }

    /** The layout, width and weights (broadcast once per width) for executor-side functions. */
    private ExecutorModel executorModel(SparkSession spark) {
        return new ExecutorModel(requireWeights(), precisionValue(), broadcastWeights(spark));
    }

    private synchronized Broadcast<?> broadcastWeights(SparkSession spark) {
        Precision p = precisionValue();
        if (broadcastWeights == null || !broadcastWeights.isValid()
                || p.storage() != storageOf(broadcastWeights.value())) {
            broadcastWeights = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .broadcast(p.kernels().fromDoubles(weights));
        }
        return broadcastWeights;
    }

    /** The stored width of a weights array (bfloat16 weights are float32 arrays). */
    private static Precision storageOf(Object array) {
        return array instanceof float[] ? Precision.FLOAT32 : Precision.FLOAT64;
    }

    // ---- Generation, single vectors and likelihood estimates ----

    /**
     * {@code n} rows generated from the prior: columns {@code id}, {@code latent} (z ~ N(0, I)) and
     * {@code sample} (the decoder mean of z), computed on the executors in batches. A table model's
     * rows hold the row number ({@link #sampleIdCol()}) and every input column.
     */
    public Dataset<Row> sample(SparkSession spark, long n, long seed) {
        return sample(spark, n, seed, false);
    }

    /**
     * Like {@link #sample(SparkSession, long, long)}; with {@code drawObservation} the {@code sample}
     * column holds a draw from p(x|z) (0/1 pixels for Bernoulli, mean plus noise for Gaussian)
     * instead of the mean.
     */
    public Dataset<Row> sample(SparkSession spark, long n, long seed, boolean drawObservation) {
        requireWeights();
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0 but was " + n);
        }
        int partitions = (int) Math.max(1, Math.min(spark.sparkContext().defaultParallelism(),
                (n + BatchInference.BATCH_ROWS - 1) / BatchInference.BATCH_ROWS));
        return sampleForIds(spark.range(0, n, 1, partitions).toDF("id"), seed, drawObservation);
    }

    /**
     * One generated row per row of {@code ids} (a DataFrame whose first column is the long row id):
     * the id, then what {@link #sample(SparkSession, long, long, boolean)} generates for that id.
     * Rows with the same id and seed are the same whatever the partitioning.
     */
    Dataset<Row> sampleForIds(Dataset<Row> ids, long seed, boolean drawObservation) {
        VaeLayout l = requireWeights();
        ids = ids.toDF(sampleIdCol());
        SparkSession spark = ids.sparkSession();
        if (table != null) {
            if (table.conditionDim() > 0) {
                throw new InvalidInputException("This model is conditional on " + String.join(", ",
                        table.conditionNames()) + ": generate rows with sample(conditions, seed).");
            }
            return ids.mapPartitions(new TableGeneration(executorModel(spark), table, logVariance(), seed, null, null),
                    tableRows(sampleSchema(idSchema())));
        }
        return ids.mapPartitions(new Generation(executorModel(spark), logVariance(), seed, drawObservation),
                Encoders.row(sampleSchema(idSchema())));
    }

    /**
     * The name of the row-number column that leads the rows of {@link #sample(SparkSession, long, long)}:
     * {@code id}, unless this table model generates a column of that name (a table's own {@code id}
     * column among {@code inputCols}); then {@code sample_id} (or {@code sample_id_2}, … if that is
     * taken too), so that no two columns share a name.
     */
    public String sampleIdCol() {
        requireWeights();
        java.util.Set<String> generated = table == null ? java.util.Set.of() : new java.util.HashSet<>(table.featureNames());
        if (!generated.contains("id")) {
            return "id";
        }
        String name = "sample_id";
        for (int i = 2; generated.contains(name); i++) {
            name = "sample_id_" + i;
        }
        return name;
    }

    /** The schema of the row-number column ({@link #sampleIdCol()}). */
    StructType idSchema() {
        return new StructType().add(sampleIdCol(), DataTypes.LongType, false);
    }

    /**
     * The columns of generated rows after the {@code lead} columns (the id, or a conditional
     * model's condition rows): {@code latent} and {@code sample} vectors for a vector model, every
     * input column (training name and type, nullable) for a table model.
     */
    StructType sampleSchema(StructType lead) {
        VaeLayout l = requireWeights();
        if (table != null) {
            return generatedColumns(lead);
        }
        return lead.add(OutputColumns.vector("latent", l.latentDim()))
                .add(OutputColumns.vector("sample", l.inputDim()));
    }

    /** Whether this is a table model with condition columns (generation needs condition rows). */
    boolean isConditional() {
        return table != null && table.conditionDim() > 0;
    }

    /**
     * A conditional table model's generated rows, one per row of {@code conditions}: the row's
     * fields, then every input column (same names and types as in training) drawn from the model
     * given the row's condition columns. Runs on the executors; the same seed and the same
     * conditions (with the same partitioning) give the same rows.
     */
    public Dataset<Row> sample(Dataset<Row> conditions, long seed) {
        requireWeights();
        if (table == null || table.conditionDim() == 0) {
            throw new InvalidInputException("sample(conditions, seed) needs a conditional table model (fit with "
                    + "inputCols and conditionCols); use sample(spark, n, seed).");
        }
        StructType in = conditions.schema();
        for (TableColumn c : table.conditions()) {
            DataType actual;
            try {
                actual = TableProfiler.field(in, c.name(), "conditionCols").dataType();
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
            if (!sameFamily(actual, c.type())) {
                throw new InvalidInputException("Condition column '" + c.name() + "' has type " + actual.simpleString()
                        + " but the model was trained on " + c.type().simpleString() + ".");
            }
        }
        for (String f : table.featureNames()) {
            if (in.getFieldIndex(f).isDefined()) {
                throw new InvalidInputException("The conditions DataFrame has a column '" + f + "', which the model "
                        + "generates: drop or rename it.");
            }
        }
        TableRows reader = new TableRows(table, true, false);
        int[] index = reader.columns().stream().mapToInt(in::fieldIndex).toArray();
        return conditions.mapPartitions(new TableGeneration(executorModel(conditions.sparkSession()), table,
                logVariance(), seed, reader, index), tableRows(sampleSchema(in)));
    }

    /** {@code lead} followed by every input column with its training name and type (nullable). */
    private StructType generatedColumns(StructType lead) {
        StructType schema = lead;
        for (TableColumn c : table.features()) {
            schema = schema.add(c.name(), c.type(), true);
        }
        return schema;
    }

    private double[] logVariance() {
        VaeLayout l = requireWeights();
        double[] out = new double[l.inputDim()];
        if (l.logVarianceOffset() >= 0) {
            System.arraycopy(weights, l.logVarianceOffset(), out, 0, l.inputDim());
        }
        return out;
    }

    private LocalInference local() {
        return new LocalInference(requireWeights(), weights);
    }

    /** The encoder mean μ(x) of one vector, computed on the driver. */
    public Vector encode(Vector features) {
        return local().encode(features);
    }

    /** The decoder mean E[x | z] of one latent vector, computed on the driver. */
    public Vector decode(Vector latent) {
        return local().decode(latent);
    }

    /** decode(encode(x)): what transform puts in the reconstruction column. */
    public Vector reconstruct(Vector features) {
        return decode(encode(features));
    }

    /**
     * Decoder means along the straight line from μ(a) to μ(b) in latent space: {@code steps}
     * points including both ends (steps &gt;= 2).
     */
    public java.util.List<Vector> interpolate(Vector a, Vector b, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("steps must be >= 2 but was " + steps);
        }
        double[] za = encode(a).toArray();
        double[] zb = encode(b).toArray();
        java.util.List<Vector> out = new java.util.ArrayList<>();
        for (int s = 0; s < steps; s++) {
            double t = (double) s / (steps - 1);
            double[] z = new double[za.length];
            for (int i = 0; i < z.length; i++) {
                z[i] = (1 - t) * za[i] + t * zb[i];
            }
            out.add(decode(Vectors.dense(z)));
        }
        return out;
    }

    /**
     * The importance-weighted estimate (Burda et al., IWAE) of the mean log-likelihood log p(x) per
     * row of {@code dataset}'s features column, in nats, with {@code k} samples per row, computed
     * on the executors. It is a lower bound of log p(x) that tightens as k grows; k = 1 is an ELBO
     * estimate. Invalid rows follow handleInvalid.
     */
    public double logLikelihood(Dataset<?> dataset, int k) {
        requireWeights();
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1 but was " + k);
        }
        RowReader features = table != null ? new TableRows(table, false, "skip".equals(getHandleInvalid()))
                : featureColumn(dataset.schema());
        if (table != null) {
            tableInputTypes(dataset.schema());
        }
        java.util.List<double[]> parts;
        try {
            parts = dataset.select(features.columns().stream().map(ColumnRef::of).toArray(Column[]::new))
                    .toJavaRDD().mapPartitions(new ImportanceSampling(
                    executorModel(dataset.sparkSession()), features, k, getSeed() ^ 0x1AE5L)).collect();
        } catch (Exception e) {
            throw Failures.translate(e);
        }
        double sum = 0;
        double rows = 0;
        for (double[] p : parts) {
            sum += p[0];
            rows += p[1];
        }
        if (rows == 0) {
            throw new InvalidInputException("Columns " + features.columns() + " have no valid rows to score.");
        }
        return sum / rows;
    }

    /**
     * The model's in-memory size in bytes as Spark Connect's model cache accounts it: 8 bytes per
     * weight plus the table description (2 bytes per character of its JSON form) and 1 KiB for the
     * params and layout. Cheap and stable: it does not walk the broadcast weights or the summary.
     */
    @Override
    public long estimatedSize() {
        long size = 1024L + (weights == null ? 0 : 8L * weights.length);
        if (table != null) {
            size += 2L * table.toJson().toString().length();
        }
        return size;
    }

    @Override
    public VariationalAutoencoderModel copy(ParamMap extra) {
        VariationalAutoencoderModel copy = new VariationalAutoencoderModel(uid, layout, weights, table);
        copyValues(copy, extra);
        copy.summary = summary;
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        requireWeights();
        return new MLWriter() {
            @Override
            public void saveImpl(String path) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("inputDim", layout.inputDim());
                details.put("numParams", layout.numParams());
                details.put("layout", layout.describe());
                if (table != null) {
                    details.put("table", table.toJson());
                }
                Persistence.saveMetadata(VariationalAutoencoderModel.this, path, sparkSession(), details);
                Persistence.saveWeights(layout, weights, path, sparkSession());
            }
        };
    }

    /** A reader for models saved with {@link #write()}. */
    public static MLReader<VariationalAutoencoderModel> read() {
        return new MLReader<>() {
            @Override
            public VariationalAutoencoderModel load(String path) {
                JsonNode metadata = Persistence.loadMetadata(path, sparkSession(), VariationalAutoencoderModel.class);
                VariationalAutoencoder shape = new VariationalAutoencoder(metadata.get("uid").asText());
                Persistence.applyParams(shape, metadata, path);
                TableCodec table = StoredShape.table(metadata, path);
                VaeLayout layout = StoredShape.layout(shape, metadata, path, table);
                double[] weights = Persistence.loadWeights(layout, path, sparkSession());
                VariationalAutoencoderModel model = new VariationalAutoencoderModel(shape.uid(), layout, weights, table);
                Persistence.applyParams(model, metadata, path);
                return model;
            }
        };
    }

    /** Loads a model saved with {@code write().save(path)}. */
    public static VariationalAutoencoderModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "VariationalAutoencoderModel: uid=" + uid + (layout == null ? ", no weights"
                : ", " + layout.describe() + ", " + layout.numParams() + " parameters");
    }
}
