package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a table model is for, measured on held-out rows of {@link MixedTables}: imputation of hidden
 * values against mean/mode imputation, and the anomaly score's AUC on injected anomalies. Shared by
 * the tests and the tabular quality benchmark.
 */
public final class TableMeasures {
    private TableMeasures() {
    }

    /** Hides income (depends on age) and segment (depends on income) in a third of the rows where present. */
    public static Map<String, Object> imputation(VariationalAutoencoderModel model, Dataset<Row> fresh) {
        Dataset<Row> base = fresh.where(col("income").isNotNull().and(col("segment").isNotNull()))
                .withColumn("hide", rand(99).lt(1.0 / 3)).cache();
        Dataset<Row> hidden = base.withColumnRenamed("income", "income_true").withColumnRenamed("segment", "segment_true")
                .withColumn("income", when(col("hide"), lit(null).cast("double")).otherwise(col("income_true")))
                .withColumn("segment", when(col("hide"), lit(null).cast("string")).otherwise(col("segment_true")));
        String[] imputed = Arrays.stream(model.getInputCols()).map(c -> c + "_imputed").toArray(String[]::new);
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setImputedCols(imputed)
                .transform(hidden).where(col("hide"))
                .select("income_true", "income_imputed", "segment_true", "segment_imputed").collectAsList();
        Row stats = base.where(org.apache.spark.sql.functions.not(col("hide")))
                .agg(org.apache.spark.sql.functions.avg(org.apache.spark.sql.functions.log("income"))).first();
        double meanLog = stats.getDouble(0);
        String mode = base.where(org.apache.spark.sql.functions.not(col("hide"))).groupBy("segment").count()
                .orderBy(org.apache.spark.sql.functions.desc("count")).first().getString(0);
        double modelErr = 0;
        double meanErr = 0;
        int modelHits = 0;
        int modeHits = 0;
        for (Row r : rows) {
            double truth = Math.log(r.getDouble(0));
            modelErr += Math.pow(Math.log(r.getDouble(1)) - truth, 2);
            meanErr += Math.pow(meanLog - truth, 2);
            modelHits += r.getString(2).equals(r.getString(3)) ? 1 : 0;
            modeHits += r.getString(2).equals(mode) ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("imputed_rows", rows.size());
        out.put("income_log_rmse_model", Math.sqrt(modelErr / rows.size()));
        out.put("income_log_rmse_mean", Math.sqrt(meanErr / rows.size()));
        out.put("segment_accuracy_model", (double) modelHits / rows.size());
        out.put("segment_accuracy_mode", (double) modeHits / rows.size());
        base.unpersist();
        return out;
    }

    /** Penguins: hides body mass (depends on species and flipper length) and sex in a third of the rows. */
    public static Map<String, Object> penguinImputation(VariationalAutoencoderModel model, Dataset<Row> fresh) {
        Dataset<Row> base = fresh.where(col("body_mass_g").isNotNull().and(col("sex").isNotNull()))
                .withColumn("hide", rand(98).lt(1.0 / 3)).cache();
        Dataset<Row> hidden = base.withColumnRenamed("body_mass_g", "mass_true").withColumnRenamed("sex", "sex_true")
                .withColumn("body_mass_g", when(col("hide"), lit(null).cast("int")).otherwise(col("mass_true")))
                .withColumn("sex", when(col("hide"), lit(null).cast("string")).otherwise(col("sex_true")));
        String[] imputed = Arrays.stream(model.getInputCols()).map(c -> c + "_imputed").toArray(String[]::new);
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setImputedCols(imputed)
                .transform(hidden).where(col("hide"))
                .select("mass_true", "body_mass_g_imputed", "sex_true", "sex_imputed").collectAsList();
        double mean = base.where(org.apache.spark.sql.functions.not(col("hide")))
                .agg(org.apache.spark.sql.functions.avg("body_mass_g")).first().getDouble(0);
        String mode = base.where(org.apache.spark.sql.functions.not(col("hide"))).groupBy("sex").count()
                .orderBy(org.apache.spark.sql.functions.desc("count")).first().getString(0);
        double modelErr = 0;
        double meanErr = 0;
        int modelHits = 0;
        int modeHits = 0;
        for (Row r : rows) {
            double truth = ((Number) r.get(0)).doubleValue();
            modelErr += Math.pow(((Number) r.get(1)).doubleValue() - truth, 2);
            meanErr += Math.pow(mean - truth, 2);
            modelHits += r.getString(2).equals(r.getString(3)) ? 1 : 0;
            modeHits += r.getString(2).equals(mode) ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("imputed_rows", rows.size());
        out.put("body_mass_rmse_model", Math.sqrt(modelErr / rows.size()));
        out.put("body_mass_rmse_mean", Math.sqrt(meanErr / rows.size()));
        out.put("sex_accuracy_model", (double) modelHits / rows.size());
        out.put("sex_accuracy_mode", (double) modeHits / rows.size());
        base.unpersist();
        return out;
    }

    /**
     * AUC of -ELBO separating 2% injected anomalies from normal rows: half break a dependence (a
     * segment 'A' customer with a very low income, active with zero visits), half a marginal (an
     * income 30× its value).
     */
    public static double anomalyAuc(VariationalAutoencoderModel model, Dataset<Row> fresh, long seed) {
        Dataset<Row> marked = fresh.where(col("income").isNotNull()).withColumn("u", rand(seed + 11))
                .withColumn("anomaly", col("u").lt(0.02));
        Dataset<Row> injected = marked
                .withColumn("income", when(col("u").lt(0.01), col("income").multiply(30)).otherwise(col("income")))
                .withColumn("segment", when(col("u").geq(0.01).and(col("u").lt(0.02)), lit("A"))
                        .otherwise(col("segment")))
                .withColumn("income", when(col("u").geq(0.01).and(col("u").lt(0.02)), lit(2000.0))
                        .otherwise(col("income")))
                .withColumn("active", when(col("u").geq(0.01).and(col("u").lt(0.02)), lit(true))
                        .otherwise(col("active")))
                .withColumn("visits", when(col("u").geq(0.01).and(col("u").lt(0.02)), lit(0L))
                        .otherwise(col("visits")));
        List<Row> scored = model.copy(new org.apache.spark.ml.param.ParamMap()).setElboCol("elbo").setElboSamples(4)
                .transform(injected).select("elbo", "anomaly").collectAsList();
        return auc(scored);
    }

    /** P(score of an anomaly > score of a normal row), score = -elbo, ties counted half. */
    public static double auc(List<Row> scored) {
        List<double[]> items = new ArrayList<>();
        for (Row r : scored) {
            items.add(new double[] {-r.getDouble(0), r.getBoolean(1) ? 1 : 0});
        }
        items.sort((x, y) -> Double.compare(x[0], y[0]));
        double positives = 0;
        double rankSum = 0;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i)[1] == 1) {
                positives++;
                rankSum += i + 1;
            }
        }
        double negatives = items.size() - positives;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

}
