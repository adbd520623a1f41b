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
 * @param masking          the encoder's cell masking of table rows ({@link CellMasking}), made once on the
 *                         driver; null when no cell is ever hidden
 */
public record GradientSetup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                            int capacity, CellMasking masking) implements Serializable {

    /** A setup hiding {@code maskRate} of a table row's present cells from the encoder. */
    public GradientSetup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                         int capacity, double maskRate) {
        this(layout, precision, plan, partitionOffsets, seed, capacity, CellMasking.of(layout, maskRate));
    }

    /** A setup without cell masking. */
    public GradientSetup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                         int capacity) {
        this(layout, precision, plan, partitionOffsets, seed, capacity, (CellMasking) null);
    }
}
