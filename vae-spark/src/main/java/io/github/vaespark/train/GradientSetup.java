package io.github.vaespark.train;

import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;

/**
 * What every partition needs, fixed for a whole fit, to compute its share of any step.
 *
 * @param partitionOffsets key of the first row of every partition (rows are keyed 0 … n-1 in partition order)
 * @param capacity         rows per forward/backward chunk
 */
public record GradientSetup(VaeLayout layout, Precision precision, BatchPlan plan, long[] partitionOffsets, long seed,
                            int capacity) implements Serializable {
}
