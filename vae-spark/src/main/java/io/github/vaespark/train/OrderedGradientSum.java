package io.github.vaespark.train;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.util.HashMap;
import java.util.Map;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Driver-side sum of the partial gradients of one step in ascending partition order, whatever
 * order the tasks finish in (or are retried in), so floating-point results are reproducible.
 * Results that arrive early wait in a stash until their predecessors are added.
 */
public final class OrderedGradientSum<A> extends AbstractFunction2<Object, PartialGradient, BoxedUnit> {
    private final Kernels<A> kernels;
    private final int[] partitions;
    private final double[] sum;
    private final GradientRounding rounding;
    private final LossSums loss = new LossSums();
    private final Map<Integer, PartialGradient> early = new HashMap<>();
    private int next;
    private boolean first = true;
    private long maxComputeNanos;

    /**
     * @param partitions the partitions of this step's job in ascending order
     * @param sum        accumulator of length numParams (overwritten by the first result)
     * @param rounding   how each result's values enter the sum
     */
    public OrderedGradientSum(Kernels<A> kernels, int[] partitions, double[] sum, GradientRounding rounding) {
        this.kernels = kernels;
        this.partitions = partitions;
        this.sum = sum;
        this.rounding = rounding;
    }

    /** Called by Spark with the index of the partition within {@code partitions}. */
    @Override
    public synchronized BoxedUnit apply(Object index, PartialGradient result) {
        early.put((Integer) index, result);
        while (early.containsKey(next)) {
            add(early.remove(next));
            next++;
        }
        return BoxedUnit.UNIT;
    }

    @SuppressWarnings("unchecked")
    private void add(PartialGradient result) {
        maxComputeNanos = Math.max(maxComputeNanos, result.computeNanos());
        if (result.gradient() != null) {
            GradientApplier.addPartial(kernels, (A) result.gradient(), sum, first, rounding);
            first = false;
        }
        loss.add(result.loss());
    }

    /** Whether no partition contributed a gradient (the accumulator was never written). */
    public synchronized boolean empty() {
        return first;
    }

    /** Whether every partition's result was added. */
    public synchronized boolean complete() {
        return next == partitions.length;
    }

    public synchronized LossSums loss() {
        return loss;
    }

    /** The longest executor computation among the partitions. */
    public synchronized long maxComputeNanos() {
        return maxComputeNanos;
    }
}
