package io.github.vaespark.blas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The BLAS shared libraries mapped into this process, from {@code /proc/self/maps}. */
public final class MappedLibraries {
    private MappedLibraries() {
    }

    /** The distinct files of a {@code /proc/<pid>/maps} text whose name contains "blas", in order. */
    public static List<String> blas(String maps) {
        Set<String> found = new LinkedHashSet<>();
        for (String line : maps.split("\n")) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash).trim();
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.contains("blas") && !name.startsWith("libjni") && !name.contains("netlibblasjni")) {
                found.add(path);
            }
        }
        return List.copyOf(found);
    }

    /** The BLAS libraries mapped into this JVM now (empty where /proc is not readable). */
    public static List<String> current() {
        try {
            return blas(Files.readString(Path.of("/proc/self/maps")));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
