package io.github.vaespark.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Column shapes and null rates from the tallied counts: KS bounds from the counts per pooled grid
 * bin for continuous columns, total variation distance between level frequencies for categorical
 * ones.
 */
final class ColumnShapes {
    private ColumnShapes() {
    }

    static List<ColumnQuality> scores(QualityColumns columns, QualityGrids grids, QualityTally tally) {
        List<ColumnQuality> out = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            long nReal = tally.present(i, QualityColumns.REAL);
            long nSynthetic = tally.present(i, QualityColumns.SYNTHETIC);
            double[] distance;
            int bins;
            if (nReal == 0 || nSynthetic == 0) {
                double d = nReal == nSynthetic ? 0 : 1;
                distance = new double[] {d, d};
                bins = 0;
            } else if (columns.categorical(i)) {
                Map<String, Long> real = tally.counts(i, QualityColumns.REAL);
                Map<String, Long> synthetic = tally.counts(i, QualityColumns.SYNTHETIC);
                double d = Contingency.totalVariation(real, synthetic);
                distance = new double[] {d, d};
                Set<String> levels = new HashSet<>(real.keySet());
                levels.addAll(synthetic.keySet());
                bins = levels.size();
            } else {
                bins = grids.pooled(i).length + 1;
                distance = ks(tally, i, bins);
            }
            out.add(new ColumnQuality(columns.names().get(i), columns.categorical(i), distance[0], distance[1], bins,
                    missingRate(tally, i, QualityColumns.REAL), missingRate(tally, i, QualityColumns.SYNTHETIC)));
        }
        return out;
    }

    private static double[] ks(QualityTally tally, int i, int bins) {
        long[][] counts = new long[2][bins];
        double[] min = new double[bins];
        double[] max = new double[bins];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int side = 0; side < 2; side++) {
            for (Map.Entry<String, Long> e : tally.counts(i, side).entrySet()) {
                counts[side][Integer.parseInt(e.getKey())] = e.getValue();
            }
            for (Map.Entry<String, double[]> e : tally.ranges(i, side).entrySet()) {
                int b = Integer.parseInt(e.getKey());
                min[b] = Math.min(min[b], e.getValue()[0]);
                max[b] = Math.max(max[b], e.getValue()[1]);
            }
        }
        return KolmogorovSmirnov.bounds(counts[0], counts[1], min, max);
    }

    private static double missingRate(QualityTally tally, int i, int side) {
        long rows = tally.rows(side);
        return rows == 0 ? 0 : 1 - (double) tally.present(i, side) / rows;
    }
}
