package io.github.vaespark.ml;

import io.github.vaespark.table.ColumnRef;
import java.util.List;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores the output of {@link VariationalAutoencoderModel#transform} so that
 * {@code CrossValidator} and {@code TrainValidationSplit} can tune a VAE:
 * <ul>
 *   <li>{@code "elbo"} (default): the mean of {@code elboCol}, the per-row ELBO in nats; larger is
 *       better. The model must add that column: set {@code elboCol} on the estimator.</li>
 *   <li>{@code "reconstructionError"}: the mean squared difference between {@code featuresCol} and
 *       {@code reconstructionCol} per feature; smaller is better.</li>
 *   <li>{@code "logLikelihood"}: the model's importance-weighted (IWAE) estimate of the mean
 *       log p(x) per row in nats, with {@code logLikelihoodSamples} samples per row, for the model
 *       saved at {@code modelPath} (what {@link VariationalAutoencoderModel#logLikelihood} computes;
 *       the dataset needs the model's input columns); larger is better. This is how clients that
 *       cannot call model methods (Spark Connect) get the estimate.</li>
 * </ul>
 */
public final class VaeEvaluator extends Evaluator implements DefaultParamsWritable {
    private static final DefaultParamsReadable<VaeEvaluator> READABLE = new DefaultParamsReadable<>() {
    };

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final ChoiceParam metricName;
    private final Param<String> featuresCol;
    private final Param<String> reconstructionCol;
    private final Param<String> elboCol;
    private final Param<String> modelPath;
    private final IntParam logLikelihoodSamples;

    public VaeEvaluator(String uid) {
        this.uid = uid;
        metricName = new ChoiceParam(this, "metricName",
                "metric: 'elbo' (mean of elboCol, larger is better), 'reconstructionError' (mean squared error "
                        + "between featuresCol and reconstructionCol, smaller is better) or 'logLikelihood' (IWAE "
                        + "estimate of the mean log p(x) under the model at modelPath, larger is better)",
                "elbo", "reconstructionError", "logLikelihood");
        featuresCol = new Param<>(this, "featuresCol", "input features column", ParamChecks.notNull());
        reconstructionCol = new Param<>(this, "reconstructionCol", "reconstruction column added by the model",
                ParamChecks.notNull());
        elboCol = new Param<>(this, "elboCol", "per-row ELBO column added by the model", ParamChecks.notNull());
        modelPath = new Param<>(this, "modelPath",
                "metricName 'logLikelihood': path of the saved VariationalAutoencoderModel to score with",
                ParamChecks.<String>of(p -> p != null && !p.isEmpty()));
        logLikelihoodSamples = new IntParam(this, "logLikelihoodSamples",
                "metricName 'logLikelihood': importance samples per row, k (>= 1; the estimate tightens as k grows, "
                        + "k = 1 is an ELBO estimate)", ParamChecks.intAtLeast(1));
        setDefault(logLikelihoodSamples, 64);
        setDefault(metricName, "elbo");
        setDefault(featuresCol, "features");
        setDefault(reconstructionCol, "reconstruction");
        setDefault(elboCol, "elbo");
    }

    public VaeEvaluator() {
        this(Identifiable.randomUID("vaeEval"));
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> metricName() {
        return metricName;
    }

    /** The metric, spelt {@code elbo} or {@code reconstructionError} whatever case it was set in. */
    public String getMetricName() {
        return metricName.valueIn(this);
    }

    public VaeEvaluator setMetricName(String value) {
        set(metricName, value);
        return this;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public VaeEvaluator setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public Param<String> reconstructionCol() {
        return reconstructionCol;
    }

    public String getReconstructionCol() {
        return getOrDefault(reconstructionCol);
    }

    public VaeEvaluator setReconstructionCol(String value) {
        set(reconstructionCol, value);
        return this;
    }

    public Param<String> elboCol() {
        return elboCol;
    }

    public String getElboCol() {
        return getOrDefault(elboCol);
    }

    public VaeEvaluator setElboCol(String value) {
        set(elboCol, value);
        return this;
    }

    /** metricName 'logLikelihood': the path of the saved model to score with. */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** The saved model's path; fails naming the param when it is not set. */
    public String getModelPath() {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("VaeEvaluator: metricName 'logLikelihood' needs modelPath, the path "
                    + "of a saved VariationalAutoencoderModel.");
        }
        return getOrDefault(modelPath);
    }

    /** Sets the path of the saved model that metricName 'logLikelihood' scores with. */
    public VaeEvaluator setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    /** metricName 'logLikelihood': importance samples per row. */
    public IntParam logLikelihoodSamples() {
        return logLikelihoodSamples;
    }

    /** Importance samples per row (default 64). */
    public int getLogLikelihoodSamples() {
        return (Integer) getOrDefault(logLikelihoodSamples);
    }

    /** Sets the importance samples per row of metricName 'logLikelihood'. */
    public VaeEvaluator setLogLikelihoodSamples(int value) {
        set(logLikelihoodSamples, value);
        return this;
    }

    @Override
    public double evaluate(Dataset<?> dataset) {
        if ("logLikelihood".equals(getMetricName())) {
            return VariationalAutoencoderModel.load(getModelPath()).logLikelihood(dataset, getLogLikelihoodSamples());
        }
        if ("elbo".equals(getMetricName())) {
            String col = getElboCol();
            if (!dataset.schema().getFieldIndex(col).isDefined()) {
                throw new InvalidInputException("Column '" + col + "' does not exist: set elboCol on the "
                        + "VariationalAutoencoder (e.g. setElboCol(\"" + col + "\")) so that transform adds the "
                        + "per-row ELBO, or use metricName=reconstructionError.");
            }
            if (!dataset.schema().apply(col).dataType().equals(DataTypes.DoubleType)) {
                throw new InvalidInputException("Column '" + col + "' must be double.");
            }
            Row r = dataset.agg(functions.avg(ColumnRef.of(col))).first();
            if (r.isNullAt(0)) {
                throw new InvalidInputException("Column '" + col + "' has no rows to evaluate.");
            }
            return r.getDouble(0);
        }
        return reconstructionError(dataset);
    }

    private double reconstructionError(Dataset<?> dataset) {
        String x = getFeaturesCol();
        String r = getReconstructionCol();
        if (!dataset.schema().getFieldIndex(x).isDefined()) {
            throw new InvalidInputException("Column '" + x + "' (featuresCol) does not exist: metricName="
                    + "reconstructionError compares a vector model's input features with its reconstruction. For a "
                    + "table model (inputCols), whose reconstruction is the encoded columns, use metricName=elbo "
                    + "(setElboCol on the VariationalAutoencoder) or logLikelihood.");
        }
        FeatureColumn.Kind kind = FeatureColumn.kindOf(dataset.schema(), x);
        FeatureColumn.kindOf(dataset.schema(), r);
        List<double[]> parts = dataset.select(ColumnRef.of(x), ColumnRef.of(r)).toJavaRDD().mapPartitions(rows -> {
            double sum = 0;
            long count = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                if (row.isNullAt(0) || row.isNullAt(1)) {
                    continue;
                }
                double[] a = values(row, 0, kind);
                double[] b = ((Vector) row.get(1)).toArray();
                if (a.length != b.length) {
                    throw new InvalidInputException("Columns '" + x + "' and '" + r + "' hold vectors of sizes "
                            + a.length + " and " + b.length + ".");
                }
                for (int i = 0; i < a.length; i++) {
                    sum += (a[i] - b[i]) * (a[i] - b[i]);
                }
                count += a.length;
            }
            return List.of(new double[] {sum, count}).iterator();
        }).collect();
        double sum = 0;
        double count = 0;
        for (double[] p : parts) {
            sum += p[0];
            count += p[1];
        }
        if (count == 0) {
            throw new InvalidInputException("No rows to evaluate in columns '" + x + "' and '" + r + "'.");
        }
        return sum / count;
    }

    private static double[] values(Row row, int i, FeatureColumn.Kind kind) {
        if (kind == FeatureColumn.Kind.VECTOR) {
            return ((Vector) row.get(i)).toArray();
        }
        List<Object> list = row.getList(i);
        double[] out = new double[list.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = ((Number) list.get(k)).doubleValue();
        }
        return out;
    }

    @Override
    public boolean isLargerBetter() {
        return !"reconstructionError".equals(getMetricName());
    }

    @Override
    public VaeEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Spark's own writer for stages that hold only params ({@code DefaultParamsWriter}). */
    @Override
    public MLWriter write() {
        return DefaultParamsWritable.super.write();
    }

    /** Spark's own reader for stages that hold only params ({@code DefaultParamsReader}). */
    public static MLReader<VaeEvaluator> read() {
        return READABLE.read();
    }

    /** Loads an evaluator saved with {@code write().save(path)}. */
    public static VaeEvaluator load(String path) {
        return read().load(path);
    }
}
