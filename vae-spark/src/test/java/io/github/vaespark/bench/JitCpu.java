package io.github.vaespark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU seconds this process's JIT compiler threads have used so far (Linux /proc), or -1 elsewhere. */
final class JitCpu {
    private JitCpu() {
    }

    static double seconds() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long ticks = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.contains("CompilerThre")) {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);  // utime, stime
                }
            }
            return ticks / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
