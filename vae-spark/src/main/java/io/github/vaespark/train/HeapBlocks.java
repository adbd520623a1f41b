package io.github.vaespark.train;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * How many bytes a cached block of training rows should hold in this JVM. G1 stores an array of
 * half a heap region or more as a "humongous" object in whole regions of its own, leaving the rest
 * of its last region unused: with G1's default region size for an 8 or 16 GB heap (4 or 8 MiB),
 * 4 MiB blocks of bfloat16 rows took twice their size in the heap (measured). So under G1, a block
 * that would be humongous is sized to fill whole regions, less room for the array's header; one
 * that would not keeps the preferred size. Where the region size cannot be read (another
 * collector or JVM), the preferred size.
 */
final class HeapBlocks {
    /** Room left in a block's last region for the array header (16 or 24 bytes) and alignment. */
    static final long HEADER_ROOM = 64;

    private HeapBlocks() {
    }

    /** The target bytes of a block in this JVM, for a preferred size. */
    static long targetBytes(long preferred) {
        return targetBytes(preferred, g1RegionBytes());
    }

    /**
     * The target bytes of a block given G1's region size ({@code regionBytes}; 0 when not G1 or
     * unknown): {@code preferred} if such an array is not humongous, else the whole regions nearest
     * to it (at least one) less {@link #HEADER_ROOM}.
     */
    static long targetBytes(long preferred, long regionBytes) {
        if (regionBytes <= 0 || preferred + HEADER_ROOM < regionBytes / 2) {
            return preferred;
        }
        long regions = Math.max(1, Math.round((double) preferred / regionBytes));
        return regions * regionBytes - HEADER_ROOM;
    }

    /** This JVM's G1 region size in bytes, or 0 when it does not run G1 or does not say. */
    static long g1RegionBytes() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (hotSpot == null || !"true".equals(hotSpot.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            return Long.parseLong(hotSpot.getVMOption("G1HeapRegionSize").getValue());
        } catch (RuntimeException e) {
            return 0;  // not a HotSpot JVM, or no such option
        }
    }
}
