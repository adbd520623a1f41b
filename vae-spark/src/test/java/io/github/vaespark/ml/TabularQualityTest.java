package io.github.vaespark.ml;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The acceptance bar of table models, at test size: sampled rows score >= 0.85 on column shapes,
 * recover at least half of the pair-dependence gap between the independent-columns baseline and a
 * fresh real sample, keep null rates within 3 points; imputation beats mean/mode imputation on
 * columns that depend on others; the ELBO separates injected anomalies (AUC >= 0.9), and the column
 * scores blame the altered column in at least half of the rows with one altered column (more often
 * after training with maskRate).
 */
class TabularQualityTest {

    private static void assertQuality(Dataset<Row> real, Dataset<Row> fresh, VariationalAutoencoderModel model,
                                      long seed) {
        SparkSession spark = SparkTestSession.get();
        String[] columns = real.columns();
        Dataset<Row> synthetic = model.sample(spark, real.count(), seed).drop("id").cache();
        QualityReport syn = SyntheticDataQuality.compare(real, synthetic, columns);
        QualityReport independent = SyntheticDataQuality.compare(real,
                SyntheticDataQuality.independentColumns(real, seed + 1), columns);
        QualityReport freshReport = SyntheticDataQuality.compare(real, fresh, columns);
        double recovered = (syn.pairDependence() - independent.pairDependence())
                / (freshReport.pairDependence() - independent.pairDependence());
        String figures = syn.format() + "\nindependent pairs " + independent.pairDependence() + ", fresh pairs "
                + freshReport.pairDependence() + ", recovered " + recovered;
        assertTrue(syn.columnShapes() >= 0.85, figures);
        assertTrue(recovered >= 0.5, figures);
        assertTrue(syn.maxNullRateGap() <= 0.03, figures);
        synthetic.unpersist();
    }

    @Test
    void generatedTableWithKnownDependence() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> real = MixedTables.generate(spark, 5000, 1, 2).cache();
        Dataset<Row> fresh = MixedTables.generate(spark, 5000, 1001, 2).cache();
        VariationalAutoencoder estimator = new VariationalAutoencoder().setInputCols(real.columns()).setLatentDim(8)
                .setEncoderLayers(new int[] {64, 64}).setBatchSize(128).setStepSize(2e-3).setMaxEpochs(40).setSeed(1);
        VariationalAutoencoderModel model = estimator.fit(real);
        assertQuality(real, fresh, model, 7);
        Map<String, Object> imputed = TableMeasures.imputation(model, fresh);
        assertTrue((double) imputed.get("income_log_rmse_model") < (double) imputed.get("income_log_rmse_mean"),
                imputed.toString());
        assertTrue((double) imputed.get("segment_accuracy_model") > (double) imputed.get("segment_accuracy_mode"),
                imputed.toString());
        double auc = TableMeasures.anomalyAuc(model, fresh, 3);
        assertTrue(auc >= 0.9, "AUC " + auc);

        // Which column makes a row unusual: a model trained with cells hidden from its encoder
        // (maskRate) names the one altered column more often.
        double attribution = TableMeasures.columnAttribution(model, fresh, 3);
        VariationalAutoencoderModel masked = estimator.copy(new org.apache.spark.ml.param.ParamMap())
                .setMaskRate(0.2).fit(real);
        double maskedAttribution = TableMeasures.columnAttribution(masked, fresh, 3);
        assertTrue(attribution >= 0.5 && maskedAttribution > attribution,
                "column attribution " + attribution + ", with maskRate 0.2 " + maskedAttribution);
        real.unpersist();
        fresh.unpersist();
    }

    @Test
    void penguins() {
        Assumptions.assumeTrue(MixedTables.penguinsAvailable(), "SKIPPED: penguins.csv not found at "
                + MixedTables.PENGUINS_CSV + " (apt-get install r-cran-palmerpenguins)");
        Dataset<Row> all = MixedTables.penguins(SparkTestSession.get()).cache();
        Dataset<Row>[] halves = all.randomSplit(new double[] {0.5, 0.5}, 1);
        Dataset<Row> real = halves[0].cache();
        VariationalAutoencoder estimator = new VariationalAutoencoder().setInputCols(all.columns()).setLatentDim(4)
                .setEncoderLayers(new int[] {64, 64}).setBatchSize(32).setStepSize(2e-3).setMaxEpochs(300).setSeed(1);
        VariationalAutoencoderModel model = estimator.fit(real);
        assertQuality(real, halves[1], model, 5);
        Map<String, Object> imputed = TableMeasures.penguinImputation(model, halves[1]);
        assertTrue((double) imputed.get("body_mass_rmse_model") < 0.8 * (double) imputed.get("body_mass_rmse_mean"),
                imputed.toString());

        // Body mass and sex are hidden together, a pattern training rows almost never have: hiding
        // cells from the encoder in training (maskRate) teaches it to infer them from the rest.
        VariationalAutoencoderModel masked = estimator.copy(new org.apache.spark.ml.param.ParamMap())
                .setMaskRate(0.2).fit(real);
        assertQuality(real, halves[1], masked, 5);
        Map<String, Object> maskedImputed = TableMeasures.penguinImputation(masked, halves[1]);
        String both = "maskRate 0: " + imputed + ", maskRate 0.2: " + maskedImputed;
        assertTrue((double) maskedImputed.get("body_mass_rmse_model")
                < 0.85 * (double) imputed.get("body_mass_rmse_model"), both);
        assertTrue((double) maskedImputed.get("sex_accuracy_model") > (double) imputed.get("sex_accuracy_model"), both);
        all.unpersist();
    }
}
