package io.github.vaespark.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;

/**
 * The batch loop both transform paths share: read rows until a batch holds
 * {@link BatchInference#BATCH_ROWS} valid ones (invalid rows are skipped or fail, naming their
 * row and partition), run the model over the batch, then emit one output per kept row, each as it
 * is asked for (an output may reuse the objects of the one before: see {@link #emit}).
 *
 * @param <I> the input row type
 * @param <O> the output row type
 */
abstract class BatchedRows<I, O> implements Iterator<O> {
    private final Iterator<I> input;
    private final BatchInference<?> inference;
    private final RowPlace place;
    private final List<I> rows = new ArrayList<>(BatchInference.BATCH_ROWS);
    private long rowNumber;
    private int next;

    BatchedRows(Iterator<I> input, BatchInference<?> inference) {
        this.input = input;
        this.inference = inference;
        TaskContext context = TaskContext.get();
        this.place = new RowPlace(context == null ? 0 : context.partitionId());
    }

    /** Reads {@code row}'s features into {@code into}; false when the row is invalid and skipped. */
    abstract boolean read(I row, RowPlace where, double[] into);

    /**
     * The row as kept until its batch is emitted (a copy where Spark reuses row objects), as the
     * batch's {@code position}-th kept row; it may overwrite what was kept at that position in an
     * earlier batch.
     */
    abstract I keep(I row, int position);

    /**
     * The output for {@code row}, the batch's j-th kept row, after the model ran on the batch;
     * asked for in order, each before the next is, so that it may reuse the previous output's
     * objects where the consumer copies what it keeps (Spark's convention for internal rows).
     */
    abstract O emit(I row, int j);

    @Override
    public boolean hasNext() {
        while (next >= rows.size() && input.hasNext()) {
            nextBatch();
        }
        return next < rows.size();
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        O out = emit(rows.get(next), next);
        next++;
        return out;
    }

    private void nextBatch() {
        rows.clear();
        next = 0;
        while (rows.size() < BatchInference.BATCH_ROWS && input.hasNext()) {
            I row = input.next();
            if (read(row, place.at(rowNumber++), inference.row(rows.size()))) {
                rows.add(keep(row, rows.size()));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        inference.run(rows.size());
    }
}
