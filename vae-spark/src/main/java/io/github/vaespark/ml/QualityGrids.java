package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The quantile grids of the continuous columns, from one approxQuantile pass over the normalised
 * table: per column, {@value #GRID} + 1 quantiles of the pooled values (both sides) for the KS
 * statistic and {@value #PAIR_BINS} − 1 quantiles of the real values for the pair tables.
 */
final class QualityGrids {
    /** Grid intervals per continuous column: bins hold about 1/GRID of the pooled values each. */
    static final int GRID = 1000;
    /** approxQuantile's relative rank error. */
    static final double RANK_ERROR = 1.0 / (4 * GRID);
    /** Quantile bins of a continuous column in a pair with a categorical one. */
    static final int PAIR_BINS = 5;

    private final double[][] pooled;
    private final double[][] real;

    private QualityGrids(double[][] pooled, double[][] real) {
        this.pooled = pooled;
        this.real = real;
    }

    static QualityGrids compute(Dataset<Row> both, QualityColumns columns) {
        List<Integer> continuous = new ArrayList<>();
        List<Column> selected = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.categorical(i)) {
                continuous.add(i);
                String c = QualityColumns.normalisedName(i);
                selected.add(col(c));
                selected.add(functions.when(col(QualityColumns.SIDE).equalTo(QualityColumns.REAL), col(c)).as("r" + i));
                names.add(c);
                names.add("r" + i);
            }
        }
        double[][] pooled = new double[columns.size()][];
        double[][] real = new double[columns.size()][];
        if (continuous.isEmpty()) {
            return new QualityGrids(pooled, real);
        }
        double[] probabilities = new double[GRID + 1];
        for (int k = 0; k <= GRID; k++) {
            probabilities[k] = (double) k / GRID;
        }
        double[][] quantiles = both.select(selected.toArray(new Column[0])).stat()
                .approxQuantile(names.toArray(new String[0]), probabilities, RANK_ERROR);
        for (int k = 0; k < continuous.size(); k++) {
            int i = continuous.get(k);
            pooled[i] = QuantileBins.splits(quantiles[2 * k]);
            double[] realGrid = quantiles[2 * k + 1];
            double[] cuts = new double[realGrid.length == 0 ? 0 : PAIR_BINS - 1];
            for (int b = 0; b < cuts.length; b++) {
                cuts[b] = realGrid[(b + 1) * GRID / PAIR_BINS];
            }
            real[i] = QuantileBins.splits(cuts);
        }
        return new QualityGrids(pooled, real);
    }

    /** Distinct pooled grid quantiles of continuous column i: the KS bins' split points. */
    double[] pooled(int i) {
        return pooled[i];
    }

    /** Distinct real-data quantiles at 1/5 … 4/5 of continuous column i: the pair bins' split points. */
    double[] real(int i) {
        return real[i];
    }
}
