package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Column names as CSV headers have them — dots, spaces, a hyphen, a backtick, non-ASCII — work
 * through a table model's fit, transform (imputation, scores), sample, the IWAE estimate, the
 * evaluator and the synthetic-data quality report ({@code functions.col("body.mass")} would be a
 * struct's field).
 */
class ColumnNamesTest {
    private static final String[] NAMES = {"score.value", "income (k$)", "seg-ment", "act`ive", "Besuche"};

    @Test
    void oddColumnNamesWorkEverywhereATableModelReadsThem() {
        Dataset<Row> plain = TabularModelTest.table(600, 5);
        Dataset<Row> data = plain;
        for (int i = 0; i < NAMES.length; i++) {
            data = data.withColumnRenamed(TabularModelTest.COLUMNS[i], NAMES[i]);
        }
        data = data.cache();
        VariationalAutoencoderModel model = new VariationalAutoencoder().setInputCols(NAMES).setLatentDim(2)
                .setEncoderLayers(new int[] {16}).setBatchSize(100).setMaxEpochs(2).setSeed(1)
                .setValidationIndicatorCol("held out")
                .fit(data.withColumn("held out", functions.col("id").mod(5).equalTo(0)));
        assertEquals(List.of(NAMES), model.tableColumns().featureNames());

        String[] imputed = Arrays.stream(NAMES).map(n -> n + " imputed").toArray(String[]::new);
        Dataset<Row> out = model.copy(new org.apache.spark.ml.param.ParamMap()).setImputedCols(imputed)
                .setColumnScoresCol("scores").setElboCol("the.elbo").transform(data);
        assertEquals(600, out.count());
        assertEquals(0, out.filter(functions.col("`income (k$) imputed`").isNull()).count(), "imputed");
        assertTrue(out.filter(functions.col("`income (k$)`").isNull()).count() > 0, "the input keeps its nulls");

        Dataset<Row> synthetic = model.sample(SparkTestSession.get(), 400, 3);
        assertTrue(Arrays.asList(synthetic.columns()).containsAll(List.of(NAMES)), Arrays.toString(synthetic.columns()));
        QualityReport report = SyntheticDataQuality.compare(data, synthetic.drop("id"), NAMES);
        assertTrue(report.columnShapes() > 0.3, report.format());
        assertTrue(Double.isFinite(model.logLikelihood(data, 2)));
        double elbo = new VaeEvaluator().setMetricName("elbo").setElboCol("the.elbo").evaluate(out);
        assertTrue(Double.isFinite(elbo));
    }
}
