package io.github.vaespark.ml;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * An iterator over what a batch function makes of its input taken {@link BatchInference#BATCH_ROWS}
 * at a time (one GEMM batch): the generators' loop.
 *
 * @param <I> input elements
 * @param <O> output elements
 */
final class Batches<I, O> implements Iterator<O> {
    private final Iterator<I> input;
    private final Function<List<I>, List<O>> process;
    private final List<I> batch = new ArrayList<>(BatchInference.BATCH_ROWS);
    private List<O> out = List.of();
    private int next;

    Batches(Iterator<I> input, Function<List<I>, List<O>> process) {
        this.input = input;
        this.process = process;
    }

    @Override
    public boolean hasNext() {
        while (next >= out.size() && input.hasNext()) {
            batch.clear();
            while (batch.size() < BatchInference.BATCH_ROWS && input.hasNext()) {
                batch.add(input.next());
            }
            out = process.apply(batch);
            next = 0;
        }
        return next < out.size();
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return out.get(next++);
    }
}
