package io.github.vaespark.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The observation model of an encoded table row: the decoder output (and the data vector) is cut
 * into segments, each with its own likelihood term; together they make one composite
 * -log p(x|z) (see {@link MixedLikelihood}).
 *
 * <ul>
 *   <li>{@link Kind#GAUSSIAN}: one value, a Gaussian with a learned per-feature log-variance.</li>
 *   <li>{@link Kind#CATEGORICAL}: {@code width} one-hot entries, a softmax over them.</li>
 *   <li>{@link Kind#BERNOULLI}: one 0/1 value, a Bernoulli on a logit.</li>
 * </ul>
 * A segment with a {@code mask} index is left out of the likelihood for rows where entry
 * {@code mask} of the data vector is 1 (the value is missing); the mask entry itself is usually a
 * Bernoulli segment of its own, so the model also learns when values are missing. Each segment
 * belongs to one table {@code column}, for per-column scores.
 */
public final class MixedColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The likelihood family of a segment. */
    public enum Kind { GAUSSIAN, CATEGORICAL, BERNOULLI }

    /**
     * One likelihood term.
     *
     * @param kind   its family
     * @param start  first entry of the data vector it covers
     * @param width  entries covered (1 unless categorical)
     * @param mask   entry that marks the term as missing, or -1 when it always counts
     * @param column the table column it belongs to
     * @param prior  for a Bernoulli segment, the share of ones seen in the data (its output bias
     *               starts at that probability), else NaN
     */
    public record Segment(Kind kind, int start, int width, int mask, int column, double prior)
            implements Serializable {
        public Segment {
            Objects.requireNonNull(kind, "kind");
            if (width < 1 || (kind != Kind.CATEGORICAL && width != 1)) {
                throw new IllegalArgumentException(kind + " segment of width " + width);
            }
        }
    }

    private final Segment[] segments;
    private final int dim;
    private final int columns;
    /** {@link #segments()}, made once: it is read for every row of training, transform and sampling. */
    private transient List<Segment> segmentList;

    /** Segments in data-vector order, covering [0, dim) without gaps or overlaps. */
    public MixedColumns(List<Segment> segments) {
        this.segments = segments.toArray(new Segment[0]);
        int next = 0;
        int maxColumn = -1;
        for (Segment s : this.segments) {
            if (s.start() != next) {
                throw new IllegalArgumentException("Segment " + s + " does not start at " + next);
            }
            next += s.width();
            maxColumn = Math.max(maxColumn, s.column());
        }
        if (next == 0) {
            throw new IllegalArgumentException("No segments");
        }
        for (Segment s : this.segments) {
            if (s.mask() >= next || s.column() < 0) {
                throw new IllegalArgumentException("Segment " + s + " points outside [0, " + next + ")");
            }
        }
        this.dim = next;
        this.columns = maxColumn + 1;
    }

    /** Length of the data vector. */
    public int dim() {
        return dim;
    }

    /** Number of table columns the segments belong to. */
    public int columns() {
        return columns;
    }

    /** The segments in order. */
    public List<Segment> segments() {
        List<Segment> list = segmentList;
        if (list == null) {
            list = List.of(segments);  // immutable: threads that race here make equal lists
            segmentList = list;
        }
        return list;
    }

    /** A builder that appends segments in order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Appends segments at consecutive positions. */
    public static final class Builder {
        private final List<Segment> list = new ArrayList<>();
        private int next;

        /** Appends a segment of {@code width} entries; returns its start. */
        public int add(Kind kind, int width, int mask, int column) {
            return add(kind, width, mask, column, Double.NaN);
        }

        /** Appends a segment with a prior share of ones (Bernoulli); returns its start. */
        public int add(Kind kind, int width, int mask, int column, double prior) {
            list.add(new Segment(kind, next, width, mask, column, prior));
            int start = next;
            next += width;
            return start;
        }

        /** The next free position. */
        public int position() {
            return next;
        }

        public MixedColumns build() {
            return new MixedColumns(list);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MixedColumns other && Arrays.equals(segments, other.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return columns + " columns in " + dim + " entries";
    }
}
