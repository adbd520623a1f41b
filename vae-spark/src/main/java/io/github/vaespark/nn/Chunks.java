package io.github.vaespark.nn;

import java.util.stream.IntStream;

/**
 * Element-wise work on long vectors split into fixed chunks that run in parallel. Chunk bounds
 * depend only on the length, and reductions add the chunk results in chunk order, so results are
 * the same whatever the number of threads.
 */
public final class Chunks {
    /** Elements per chunk. */
    static final int SIZE = 1 << 16;

    private Chunks() {
    }

    /** Work on the index range [from, to). */
    @FunctionalInterface
    public interface RangeAction {
        void run(int from, int to);
    }

    /** A sum over the index range [from, to). */
    @FunctionalInterface
    public interface RangeSum {
        double sum(int from, int to);
    }

    /** Runs {@code action} on every chunk of [0, length), in parallel. */
    public static void forEach(int length, RangeAction action) {
        int chunks = (length + SIZE - 1) / SIZE;
        if (chunks <= 1) {
            action.run(0, length);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> action.run(c * SIZE, Math.min(length, (c + 1) * SIZE)));
    }

    /** Σ over chunks of {@code sum}, evaluated in parallel and added in chunk order. */
    public static double sum(int length, RangeSum sum) {
        int chunks = (length + SIZE - 1) / SIZE;
        double[] parts = new double[Math.max(chunks, 1)];
        forEach(length, (from, to) -> parts[from / SIZE] = sum.sum(from, to));
        double total = 0;
        for (double p : parts) {
            total += p;
        }
        return total;
    }
}
