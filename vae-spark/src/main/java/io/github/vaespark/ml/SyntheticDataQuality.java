package io.github.vaespark.ml;

import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How close a synthetic table is to a real one, column by column and pair by pair, computed with
 * Spark aggregations on the executors (only counts, quantile grids and contingency tables reach
 * the driver). Each table is read three times (quantile grids, counts, correlations): cache
 * tables that are expensive to compute.
 *
 * <p>Column kinds: numeric columns (byte, short, int, long, float, double, decimal) are
 * continuous unless named categorical; string and boolean columns are categorical. Null and NaN
 * both count as missing: missing values are left out of every score and reported as null rates.
 *
 * <ul>
 *   <li>Column shape, continuous: 1 − D, D the two-sample Kolmogorov–Smirnov statistic. D is
 *       evaluated exactly at {@value QualityGrids#GRID} + 1 quantiles of the pooled values
 *       (approxQuantile, relative rank error 1/4000), by counting both sides per grid bin; this
 *       is a lower bound of the true D, off by at most the larger side's share of one bin (about
 *       (1/1000 + 1/2000) · (n_real + n_synthetic) / min(n_real, n_synthetic), so about 0.003 for
 *       equal sizes). Bins holding a single distinct value add no error, so a column with up to
 *       1001 distinct values is scored exactly. The report's details give the measured upper
 *       bound.</li>
 *   <li>Column shape, categorical: 1 − total variation distance between the level
 *       frequencies.</li>
 *   <li>Pair dependence, two continuous columns: 1 − |r_real − r_synthetic| / 2, r the Pearson
 *       correlation over rows where both are present (undefined, e.g. for a constant column:
 *       0).</li>
 *   <li>Pair dependence, any other pair: 1 − |V_real − V_synthetic|, V Cramér's V of the pair's
 *       contingency table, continuous columns cut into 5 bins at quantiles of the real data
 *       (undefined, fewer than two levels: 0).</li>
 * </ul>
 *
 * <p>Categorical columns are expected to have few levels: their counts per level (and per pair of
 * levels) are collected on the driver.
 */
public final class SyntheticDataQuality {
    private SyntheticDataQuality() {
    }

    /**
     * Compares the columns (none given: every column of {@code real}) of the two tables, with the
     * default kinds (numeric = continuous).
     *
     * @throws InvalidInputException naming the column when one is missing from either table, has
     *     an unsupported type, or has incompatible kinds in the two tables
     */
    public static QualityReport compare(Dataset<Row> real, Dataset<Row> synthetic, String... columns) {
        return compare(real, synthetic, columns, new String[0]);
    }

    /**
     * Compares the columns (empty: every column of {@code real}), treating the numeric columns in
     * {@code categoricalCols} (such as integer codes) as categorical.
     *
     * @throws InvalidInputException naming the column when one is missing from either table, has
     *     an unsupported type, has incompatible kinds in the two tables, or is listed as
     *     categorical without being compared, or when either table has no rows
     */
    public static QualityReport compare(Dataset<Row> real, Dataset<Row> synthetic, String[] columns,
            String[] categoricalCols) {
        Objects.requireNonNull(real, "real");
        Objects.requireNonNull(synthetic, "synthetic");
        QualityColumns resolved = QualityColumns.resolve(real.schema(), synthetic.schema(), columns, categoricalCols);
        Dataset<Row> both = resolved.normalise(real, synthetic);
        QualityGrids grids = QualityGrids.compute(both, resolved);
        PairDependence pairs = new PairDependence(resolved);
        QualityTally tally = QualityTally.compute(both, resolved, grids, pairs.tabulated());
        for (int side : new int[] {QualityColumns.REAL, QualityColumns.SYNTHETIC}) {
            if (tally.rows(side) == 0) {
                throw new InvalidInputException("The " + (side == QualityColumns.REAL ? "real" : "synthetic")
                        + " table has no rows: there is nothing to compare.");
            }
        }
        return new QualityReport(ColumnShapes.scores(resolved, grids, tally), pairs.scores(both, resolved, tally));
    }

    /**
     * The independent-columns baseline: a table with the schema and row count of {@code real} in
     * which each column's values are shuffled independently of the others (distributed: rows are
     * numbered, each column's values move by their own seeded pseudo-random permutation of the
     * row numbers, and one shuffle gathers the new rows). It keeps every column's marginal
     * distribution exactly (its shape scores are 1) and destroys the dependence between
     * columns, so the scores of a synthetic table should sit between this
     * baseline's and those of a fresh real sample: a pair score near the baseline's means the
     * generator did not learn that dependence. The same seed and the same input (with a
     * deterministic row order, e.g. cached) give the same table.
     */
    public static Dataset<Row> independentColumns(Dataset<Row> real, long seed) {
        Objects.requireNonNull(real, "real");
        return IndependentColumns.shuffle(real, seed);
    }
}
