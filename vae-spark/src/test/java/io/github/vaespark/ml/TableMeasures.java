package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
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
        return named(imputation(model, fresh, "income", "segment", true, 99), "income_log", "segment");
    }

    /** Penguins: hides body mass (depends on species and flipper length) and sex in a third of the rows. */
    public static Map<String, Object> penguinImputation(VariationalAutoencoderModel model, Dataset<Row> fresh) {
        return named(imputation(model, fresh, "body_mass_g", "sex", false, 98), "body_mass", "sex");
    }

    /**
     * Hides a numeric and a string column in a third of the rows where both are present, imputes
     * them with the model, and compares with mean (of the log, with {@code logScale}) and mode
     * imputation from the rows left visible: RMSE of the numeric column, accuracy of the string one.
     */
    static Map<String, Object> imputation(VariationalAutoencoderModel model, Dataset<Row> fresh, String numeric,
                                          String categorical, boolean logScale, long seed) {
        Dataset<Row> base = fresh.where(col(numeric).isNotNull().and(col(categorical).isNotNull()))
                .withColumn("hide", rand(seed).lt(1.0 / 3)).cache();
        String numericType = base.schema().apply(numeric).dataType().typeName();
        Dataset<Row> hidden = base.withColumnRenamed(numeric, "numeric_true")
                .withColumnRenamed(categorical, "categorical_true")
                .withColumn(numeric, when(col("hide"), lit(null).cast(numericType)).otherwise(col("numeric_true")))
                .withColumn(categorical, when(col("hide"), lit(null).cast("string")).otherwise(col("categorical_true")));
        String[] imputed = Arrays.stream(model.getInputCols()).map(c -> c + "_imputed").toArray(String[]::new);
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setImputedCols(imputed)
                .transform(hidden).where(col("hide"))
                .select("numeric_true", numeric + "_imputed", "categorical_true", categorical + "_imputed")
                .collectAsList();
        Dataset<Row> visible = base.where(org.apache.spark.sql.functions.not(col("hide")));
        org.apache.spark.sql.Column values = logScale ? org.apache.spark.sql.functions.log(numeric) : col(numeric);
        double mean = visible.agg(org.apache.spark.sql.functions.avg(values)).first().getDouble(0);
        String mode = visible.groupBy(categorical).count().orderBy(org.apache.spark.sql.functions.desc("count"))
                .first().getString(0);
        double modelErr = 0;
        double meanErr = 0;
        int modelHits = 0;
        int modeHits = 0;
        for (Row r : rows) {
            double truth = scale(((Number) r.get(0)).doubleValue(), logScale);
            modelErr += Math.pow(scale(((Number) r.get(1)).doubleValue(), logScale) - truth, 2);
            meanErr += Math.pow(mean - truth, 2);
            modelHits += r.getString(2).equals(r.getString(3)) ? 1 : 0;
            modeHits += r.getString(2).equals(mode) ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("imputed_rows", rows.size());
        out.put("rmse_model", Math.sqrt(modelErr / rows.size()));
        out.put("rmse_mean", Math.sqrt(meanErr / rows.size()));
        out.put("accuracy_model", (double) modelHits / rows.size());
        out.put("accuracy_mode", (double) modeHits / rows.size());
        base.unpersist();
        return out;
    }

    /** The figures with the columns' names in their keys, e.g. income_log_rmse_model. */
    private static Map<String, Object> named(Map<String, Object> figures, String numeric, String categorical) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : figures.entrySet()) {
            String key = e.getKey();
            out.put(key.startsWith("rmse") ? numeric + "_" + key : key.startsWith("accuracy") ? categorical + "_" + key
                    : key, e.getValue());
        }
        return out;
    }

    private static double scale(double v, boolean log) {
        return log ? Math.log(v) : v;
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

    /**
     * Which column the per-column scores blame: in 1 % of the fresh rows each, one column is made
     * unusual (income ×30, segment swapped between A and C, visits ×20 + 20, score + 40, age 95), and
     * the share of those rows whose highest column score ({@code columnScoresCol}) is that column.
     */
    public static double columnAttribution(VariationalAutoencoderModel model, Dataset<Row> fresh, long seed) {
        Dataset<Row> base = fresh.where(col("income").isNotNull().and(col("segment").isNotNull())
                        .and(col("score").isNotNull()).and(col("age").isNotNull()))
                .withColumn("u", rand(seed + 13)).withColumn("kind", expr("CAST(FLOOR(u * 100) AS INT)"));
        Dataset<Row> injected = base
                .withColumn("income", expr("IF(kind = 0, income * 30, income)"))
                .withColumn("segment", expr("IF(kind = 1, IF(segment = 'A', 'C', 'A'), segment)"))
                .withColumn("visits", expr("IF(kind = 2, visits * 20 + 20, visits)"))
                .withColumn("score", expr("IF(kind = 3, score + 40, score)"))
                .withColumn("age", expr("IF(kind = 4, 95, age)"));
        String[] target = {"income", "segment", "visits", "score", "age"};
        String[] inputs = model.getInputCols();
        List<Row> rows = model.copy(new org.apache.spark.ml.param.ParamMap()).setColumnScoresCol("columnScores")
                .transform(injected).where("kind < 5").select("kind", "columnScores").collectAsList();
        int hits = 0;
        for (Row r : rows) {
            org.apache.spark.ml.linalg.Vector scores = r.getAs(1);
            hits += inputs[scores.argmax()].equals(target[r.getInt(0)]) ? 1 : 0;
        }
        return (double) hits / rows.size();
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
