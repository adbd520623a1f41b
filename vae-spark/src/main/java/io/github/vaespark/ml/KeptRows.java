package io.github.vaespark.ml;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * The internal rows of one transform batch, kept until the batch is emitted: Spark reuses its row
 * objects, so each is copied, into one buffer per batch position that is reused batch after batch
 * (Spark's consumer of the emitted rows copies what it keeps before asking for the next).
 */
final class KeptRows {
    private final UnsafeRow[] kept = new UnsafeRow[BatchInference.BATCH_ROWS];

    /** {@code row} copied into position {@code position}'s buffer (any other row class: a fresh copy). */
    InternalRow keep(InternalRow row, int position) {
        if (!(row instanceof UnsafeRow unsafe)) {
            return row.copy();
        }
        if (kept[position] == null) {
            kept[position] = unsafe.copy();
        } else {
            kept[position].copyFrom(unsafe);
        }
        return kept[position];
    }
}
