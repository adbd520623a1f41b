package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The cached per-epoch shuffles: one per (seed, epoch, partition, rows), each a permutation. */
class PermutationsTest {
    @Test
    void theSameKeyGivesTheCachedShuffleAndEveryOtherKeyItsOwn() {
        int[] base = Permutations.of(7L, 2, 1, 500);
        assertSame(base, Permutations.of(7L, 2, 1, 500), "a second lookup of the same key is the cached array");
        int[] sorted = base.clone();
        Arrays.sort(sorted);
        int[] identity = new int[500];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted, "a permutation of 0 … rows-1");
        int[][] others = {Permutations.of(8L, 2, 1, 500), Permutations.of(7L, 3, 1, 500), Permutations.of(7L, 2, 0, 500),
            Permutations.of(7L, 2, 1, 501)};
        for (int[] other : others) {
            assertFalse(Arrays.equals(base, Arrays.copyOf(other, 500)), "another key draws another shuffle");
        }
        assertArrayEquals(base, Permutations.draw(
                io.github.vaespark.nn.LatentNoise.mix(io.github.vaespark.nn.LatentNoise.mix(7L, 2), 1), 500));
    }
}
