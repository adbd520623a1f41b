package io.github.vaespark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's minor page faults so far (Linux {@code /proc/self/stat}), or -1 elsewhere: each is
 * a first touch of a fresh page, which costs about 16 µs on some virtual machines (Firecracker),
 * so benchmarks report how many a measured phase took.
 */
final class PageFaults {
    private PageFaults() {
    }

    static long minor() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command name (in parentheses, may contain spaces): state is field 3, minflt field 10
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
