package io.github.vaespark.ml;

import java.io.Serializable;

/**
 * A seeded pseudo-random permutation of 0…n−1 that needs no table: a 4-round Feistel network on
 * the smallest even number of bits covering n (a bijection of 0…2^bits−1), walked until it lands
 * below n (cycle walking keeps it a bijection of 0…n−1; fewer than 4 steps on average).
 */
final class RowPermutation implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int ROUNDS = 4;

    private final long n;
    private final long key;
    private final int halfBits;
    private final long halfMask;

    RowPermutation(long n, long key) {
        this.n = n;
        this.key = key;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
    }

    /** Where row {@code index} (0 ≤ index &lt; n) goes. */
    long apply(long index) {
        long x = network(index);
        while (x >= n) {
            x = network(x);
        }
        return x;
    }

    private long network(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ (mix(key + round * 0x9E3779B97F4A7C15L + right) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
