package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the parameter vector is cut for the exchange: contiguous ranges in the order the backward
 * pass finishes them (from the end of the vector to its start). A partition ships segment k as soon
 * as its backward pass is past it, and the driver updates it while the partitions still work on
 * the segments after it; only the last segment's update delays the next step.
 */
public final class Segments implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Layers smaller than this are merged into a neighbour, to save a synchronisation per step. */
    static final int MIN_SEGMENT = 16_384;

    private final int numParams;
    private final int[] starts;

    private Segments(int numParams, int[] starts) {
        this.numParams = numParams;
        this.starts = starts;
    }

    /**
     * One segment per dense layer and per block of the first layer's weight gradient (see
     * {@link VaeLayout#firstLayerGradientBlocks()}): the points where the backward pass reports
     * progress, with pieces smaller than {@link #MIN_SEGMENT} merged into a neighbour. In backward order.
     */
    public static Segments byLayer(VaeLayout layout) {
        List<Integer> reported = new ArrayList<>();
        List<VaeLayout.Dense> dense = layout.allDense();
        for (int i = dense.size() - 1; i > 0; i--) {
            reported.add(dense.get(i).weightOffset());
        }
        VaeLayout.Dense first = dense.get(0);
        int[] blocks = layout.firstLayerGradientBlocks();
        for (int b = blocks.length - 2; b > 0; b--) {
            reported.add(first.weightOffset() + blocks[b] * first.out());
        }
        List<Integer> cuts = new ArrayList<>();
        int end = layout.numParams();
        for (int start : reported) {
            if (end - start >= MIN_SEGMENT) {
                cuts.add(start);
                end = start;
            }
        }
        cuts.add(0);
        return new Segments(layout.numParams(), cuts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The whole vector as one segment (needed when the update depends on the global gradient norm). */
    public static Segments whole(int numParams) {
        return new Segments(numParams, new int[] {0});
    }

    /** Segments with these first parameters (descending, the last one 0), as received over the wire. */
    static Segments of(int numParams, int[] starts) {
        if (starts.length == 0 || starts[starts.length - 1] != 0) {
            throw new IllegalArgumentException("Segments must end at parameter 0: " + Arrays.toString(starts));
        }
        for (int k = 0; k < starts.length; k++) {
            if (starts[k] < 0 || starts[k] >= (k == 0 ? Math.max(numParams, 1) : starts[k - 1])) {
                throw new IllegalArgumentException("Malformed segments " + Arrays.toString(starts));
            }
        }
        return new Segments(numParams, starts.clone());
    }

    /** First parameter of every segment, in backward order (a copy). */
    int[] starts() {
        return starts.clone();
    }

    public int numParams() {
        return numParams;
    }

    public int count() {
        return starts.length;
    }

    /** First parameter of segment k. */
    public int from(int k) {
        return starts[k];
    }

    /** One past the last parameter of segment k. */
    public int to(int k) {
        return k == 0 ? numParams : starts[k - 1];
    }

    /** How many leading segments lie entirely in the finished tail [tailFrom, numParams). */
    public int finishedBy(int tailFrom) {
        int k = 0;
        while (k < starts.length && starts[k] >= tailFrom) {
            k++;
        }
        return k;
    }

    @Override
    public String toString() {
        return "Segments" + Arrays.toString(starts) + " of " + numParams;
    }
}
