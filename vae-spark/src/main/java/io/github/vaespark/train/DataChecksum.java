package io.github.vaespark.train;

/**
 * A cheap 64-bit fingerprint of training rows: every row's values are hashed (FNV-1a over their
 * bit patterns, then a MurmurHash3 finaliser) and the row hashes are added up. The sum does not
 * depend on the order or the partitioning of the rows, so it names the data set itself; row
 * counts per partition name the partitioning.
 */
final class DataChecksum {
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    private DataChecksum() {
    }

    /** The hash of one row, to be summed (with wrap-around) over all rows. */
    static long ofRow(double[] row) {
        long h = FNV_OFFSET;
        for (double v : row) {
            h = (h ^ Double.doubleToLongBits(v)) * FNV_PRIME;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    /** The checksum as shown in checkpoints and errors. */
    static String format(long checksum) {
        return String.format("%016x", checksum);
    }
}
