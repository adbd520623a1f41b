package io.github.vaespark.train;

import io.github.vaespark.nn.LatentNoise;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-epoch shuffle of a partition's rows, seeded by (seed, epoch, partition), kept in a small
 * executor-wide cache so that it is drawn once per epoch rather than once per step.
 */
final class Permutations {
    /** Looked up every step: equals and hashCode written out, as for {@code Bf16Gemm}'s shape keys. */
    private record Key(long seed, int epoch, int partition, int rows) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key key && seed == key.seed && epoch == key.epoch && partition == key.partition
                    && rows == key.rows;
        }

        @Override
        public int hashCode() {
            return ((Long.hashCode(seed) * 31 + epoch) * 31 + partition) * 31 + rows;
        }
    }

    private static final int MAX_ENTRIES = 64;
    private static final Map<Key, int[]> CACHE = new ConcurrentHashMap<>();

    private Permutations() {
    }

    /** The permutation of 0 … rows-1 for this partition and epoch. */
    static int[] of(long seed, int epoch, int partition, int rows) {
        Key key = new Key(seed, epoch, partition, rows);
        int[] cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        if (CACHE.size() >= MAX_ENTRIES) {
            CACHE.clear();
        }
        int[] perm = draw(LatentNoise.mix(LatentNoise.mix(seed, epoch), partition), rows);
        CACHE.put(key, perm);
        return perm;
    }

    /** A Fisher–Yates shuffle of 0 … rows-1. */
    static int[] draw(long seed, int rows) {
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) {
            perm[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}
