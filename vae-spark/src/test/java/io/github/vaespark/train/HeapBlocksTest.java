package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeapBlocksTest {
    private static final long MIB = 1L << 20;
    private static final long PREFERRED = TrainingData.BLOCK_BYTES;

    @Test
    void aBlockThatWouldNotBeHumongousKeepsThePreferredSize() {
        assertEquals(PREFERRED, HeapBlocks.targetBytes(PREFERRED, 32 * MIB));
        assertEquals(PREFERRED, HeapBlocks.targetBytes(PREFERRED, 16 * MIB));
        assertEquals(PREFERRED, HeapBlocks.targetBytes(PREFERRED, 0), "unknown region size");
    }

    @Test
    void aHumongousBlockFillsWholeRegionsLessTheHeaderRoom() {
        long room = HeapBlocks.HEADER_ROOM;
        assertEquals(8 * MIB - room, HeapBlocks.targetBytes(PREFERRED, 8 * MIB), "one region");
        assertEquals(4 * MIB - room, HeapBlocks.targetBytes(PREFERRED, 4 * MIB), "one region");
        assertEquals(4 * MIB - room, HeapBlocks.targetBytes(PREFERRED, 2 * MIB), "two regions");
        assertEquals(4 * MIB - room, HeapBlocks.targetBytes(PREFERRED, MIB), "four regions");
        for (long region = MIB; region <= 32 * MIB; region *= 2) {
            long bytes = HeapBlocks.targetBytes(PREFERRED, region);
            long withHeader = bytes + 24;  // the largest array header
            long regionsTaken = (withHeader + region - 1) / region;
            assertTrue(withHeader < region / 2 || bytes > 0.99 * regionsTaken * region,
                    "a block of " + bytes + " bytes leaves much of its " + regionsTaken + " regions of " + region
                            + " bytes unused");
        }
    }

    @Test
    void thisJvmReportsItsRegionSize() {
        List<String> flags = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        long region = HeapBlocks.g1RegionBytes();
        if (flags.contains("-XX:G1HeapRegionSize=32m")) {  // surefire's JVMs (pom.xml)
            assertEquals(32 * MIB, region);
        } else {
            // Another runner: G1's regions are a power of two from 1 MiB to 512 MiB, or 0 without G1.
            assertTrue(region == 0 || (Long.bitCount(region) == 1 && region >= MIB && region <= 512 * MIB),
                    "region size " + region);
        }
    }

    /**
     * In a JVM with G1's 4 MiB regions (its default for an 8 GB heap), cached blocks of 1,024-feature
     * rows take about their own size in the heap; at the plain 4 MiB size each took two regions.
     */
    @Test
    void cachedBlocksTakeTheirSizeInTheHeapWithDefaultSizedRegions() throws Exception {
        double adapted = heapRatio("adapted");
        double plain = heapRatio("plain");
        assertTrue(adapted < 1.05, "the heap grew " + adapted + " times the cached bytes");
        assertTrue(plain > 1.8, "plain 4 MiB blocks were expected to take two regions each, but took " + plain);
    }

    private static double heapRatio(String mode) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=4m", "-cp", System.getProperty("java.class.path"),
                HeapBlocksProbe.class.getName(), mode, "40")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not end");
        assertEquals(0, p.exitValue(), out);
        String line = out.lines().filter(l -> l.startsWith("ratio ")).findFirst()
                .orElseThrow(() -> new AssertionError("no ratio in the probe's output: " + out));
        return Double.parseDouble(line.substring("ratio ".length()));
    }
}
