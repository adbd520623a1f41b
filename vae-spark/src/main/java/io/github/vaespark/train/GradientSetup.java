package io.github.vaespark.train;

import io.github.vaespark.nn.CellMasking;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;

/**
 * What every partition needs, fixed for a whole fit, to compute its share of any step.
 *
 * @param partitionOffsets key of the first row of every partition (rows are keyed 0 … n-1 in partition order)
 * @param capacity         rows per forward/backward chunk
 * @param maskRate         share of a table row's present cells hidden from the encoder ({@link CellMasking}); 0: none
 */
public record GradientSetup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                            int capacity, double maskRate) implements Serializable {

    /** A setup without cell masking. */
    public GradientSetup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                         int capacity) {
        this(layout, precision, plan, partitionOffsets, seed, capacity, 0);
    }

    /** The encoder's cell masking of table rows, or null when no cell is ever hidden. */
    CellMasking masking() {
        if (maskRate == 0 || layout.mixedColumns() == null) {
            return null;
        }
        CellMasking masking = new CellMasking(layout.mixedColumns(), maskRate);
        return masking.active() ? masking : null;
    }
}
