package io.github.vaespark.ml;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Distances between level frequencies and association in contingency tables, from collected counts. */
final class Contingency {
    private Contingency() {
    }

    /** Total variation distance ½ Σ |p(l) − q(l)| between the level frequencies of two count tables. */
    static double totalVariation(Map<String, Long> a, Map<String, Long> b) {
        double na = total(a);
        double nb = total(b);
        Set<String> levels = new HashSet<>(a.keySet());
        levels.addAll(b.keySet());
        double sum = 0;
        for (String l : levels) {
            sum += Math.abs(a.getOrDefault(l, 0L) / na - b.getOrDefault(l, 0L) / nb);
        }
        return sum / 2;
    }

    /**
     * Cramér's V = sqrt(χ² / (n · (min(r, c) − 1))) of a contingency table given as counts per
     * (row level, column level); 0 when either variable has fewer than two levels (V undefined).
     */
    static double cramersV(Map<String, Map<String, Long>> table) {
        Map<String, Double> rows = new HashMap<>();
        Map<String, Double> cols = new HashMap<>();
        double n = 0;
        for (Map.Entry<String, Map<String, Long>> row : table.entrySet()) {
            for (Map.Entry<String, Long> cell : row.getValue().entrySet()) {
                rows.merge(row.getKey(), (double) cell.getValue(), Double::sum);
                cols.merge(cell.getKey(), (double) cell.getValue(), Double::sum);
                n += cell.getValue();
            }
        }
        int k = Math.min(rows.size(), cols.size());
        if (k < 2) {
            return 0;
        }
        double chi2 = 0;
        for (Map.Entry<String, Double> r : rows.entrySet()) {
            Map<String, Long> observed = table.get(r.getKey());
            for (Map.Entry<String, Double> c : cols.entrySet()) {
                double expected = r.getValue() * c.getValue() / n;
                double diff = observed.getOrDefault(c.getKey(), 0L) - expected;
                chi2 += diff * diff / expected;
            }
        }
        return Math.sqrt(Math.min(1.0, chi2 / (n * (k - 1))));
    }

    private static double total(Map<String, Long> counts) {
        double n = 0;
        for (long c : counts.values()) {
            n += c;
        }
        return n;
    }
}
