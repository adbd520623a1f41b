package io.github.vaespark.ml;

import io.github.vaespark.train.TrainingResult;
import java.io.Serializable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What happened while fitting: per-epoch losses (per row, in nats), steps, wall time and skipped
 * rows. Available from {@link VariationalAutoencoderModel#summary()} on the model returned by
 * {@code fit}; like MLlib's training summaries it is not saved with the model.
 */
public final class VariationalAutoencoderSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TrainingResult result;
    private final String precision;
    private final String precisionReason;

    /**
     * @param precision       the precision training ran in
     * @param precisionReason why precision=auto chose it; empty when the precision was set
     */
    VariationalAutoencoderSummary(TrainingResult result, String precision, String precisionReason) {
        this.result = result;
        this.precision = precision;
        this.precisionReason = precisionReason;
    }

    /** The precision training ran in: the param's value, or what {@code precision=auto} chose. */
    public String precision() {
        return precision;
    }

    /** Why {@code precision=auto} chose {@link #precision()}, with its measurements; empty when the precision was set. */
    public String precisionReason() {
        return precisionReason;
    }

    /** One entry per epoch, first epoch first. */
    public List<EpochSummary> history() {
        return result.history().stream().map(EpochSummary::of).toList();
    }

    /** Training negative ELBO per row after each epoch (mean over the epoch's batches). */
    public double[] negativeElboHistory() {
        return history().stream().mapToDouble(EpochSummary::negativeElbo).toArray();
    }

    /** Reconstruction term -log p(x|z) per row, per epoch. */
    public double[] reconstructionHistory() {
        return history().stream().mapToDouble(EpochSummary::reconstruction).toArray();
    }

    /** KL term per row, per epoch. */
    public double[] klHistory() {
        return history().stream().mapToDouble(EpochSummary::kl).toArray();
    }

    /** Validation negative ELBO per row, per epoch (NaN without validationIndicatorCol). */
    public double[] validationNegativeElboHistory() {
        return history().stream().mapToDouble(EpochSummary::validationNegativeElbo).toArray();
    }

    /** Number of epochs run (including any restored from a checkpoint). */
    public int epochs() {
        return history().size();
    }

    /** Optimisation steps applied. */
    public long totalSteps() {
        return result.totalSteps();
    }

    /** Wall time of the fit, in seconds. */
    public double seconds() {
        return result.seconds();
    }

    /** Training rows (after skipping invalid ones). */
    public long trainingRows() {
        return result.rows();
    }

    /** Validation rows (0 without validationIndicatorCol). */
    public long validationRows() {
        return result.validationRows();
    }

    /** Invalid rows dropped under handleInvalid = "skip". */
    public long skippedRows() {
        return result.skippedRows();
    }

    /** The epoch whose weights the model holds. */
    public int bestEpoch() {
        return result.bestEpoch();
    }

    /** Whether early stopping ended training before maxEpochs. */
    public boolean stoppedEarly() {
        return result.stoppedEarly();
    }

    /** Epochs restored from a checkpoint instead of being run by this fit (0 for a fresh start). */
    public int resumedFromEpoch() {
        return result.resumedFromEpoch();
    }

    /** Bytes Spark reported for the cached training blocks (memory plus disk), or -1 if unknown. */
    public long cachedBytes() {
        return result.cachedBytes();
    }

    /** The training data's size as raw float32 values (rows × features × 4 bytes). */
    public long rawFloat32Bytes() {
        return result.rawFloat32Bytes();
    }

    /** The history as a DataFrame, one row per epoch, e.g. for plotting in a notebook. */
    public Dataset<Row> historyDataFrame(SparkSession spark) {
        StructType schema = new StructType()
                .add("epoch", DataTypes.IntegerType, false)
                .add("steps", DataTypes.IntegerType, false)
                .add("rows", DataTypes.LongType, false)
                .add("negativeElbo", DataTypes.DoubleType, false)
                .add("reconstruction", DataTypes.DoubleType, false)
                .add("kl", DataTypes.DoubleType, false)
                .add("beta", DataTypes.DoubleType, false)
                .add("validationNegativeElbo", DataTypes.DoubleType, false)
                .add("seconds", DataTypes.DoubleType, false)
                .add("rowsPerSecond", DataTypes.DoubleType, false);
        List<Row> rows = new ArrayList<>();
        for (EpochSummary e : history()) {
            rows.add(RowFactory.create(e.epoch(), e.steps(), e.rows(), e.negativeElbo(), e.reconstruction(), e.kl(),
                    e.beta(), e.validationNegativeElbo(), e.seconds(), e.rowsPerSecond()));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** The summary as JSON: totals and the per-epoch history (what the CLI writes beside a model). */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("trainingRows", trainingRows());
        json.put("validationRows", validationRows());
        json.put("skippedRows", skippedRows());
        json.put("totalSteps", totalSteps());
        json.put("seconds", seconds());
        json.put("bestEpoch", bestEpoch());
        json.put("stoppedEarly", stoppedEarly());
        json.put("resumedFromEpoch", resumedFromEpoch());
        json.put("cachedBytes", cachedBytes());
        json.put("rawFloat32Bytes", rawFloat32Bytes());
        json.put("precision", precision);
        json.put("precisionReason", precisionReason);
        json.put("history", history());
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write the summary as JSON", e);
        }
    }
}
