package io.github.vaespark.ml;

/**
 * Where a row is, for the error messages of invalid input: "row 17 of partition 3" (without a
 * partition, "row 17"), with an optional suffix. One object per reader is moved from row to row,
 * and the text is only made when a message needs it, instead of a new string for every row read.
 */
final class RowPlace {
    private final int partition;
    private final String suffix;
    private long row;

    /** Places in {@code partition} (negative: no partition named). */
    RowPlace(int partition) {
        this(partition, "");
    }

    /** As {@link #RowPlace(int)}, the text followed by {@code suffix} (e.g. " of the conditions"). */
    RowPlace(int partition, String suffix) {
        this.partition = partition;
        this.suffix = suffix;
    }

    /** This place, moved to {@code row}. */
    RowPlace at(long row) {
        this.row = row;
        return this;
    }

    @Override
    public String toString() {
        return "row " + row + (partition >= 0 ? " of partition " + partition : "") + suffix;
    }
}
