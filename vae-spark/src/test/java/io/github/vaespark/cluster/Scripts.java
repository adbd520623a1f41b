package io.github.vaespark.cluster;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs the repository's scripts from integration tests, echoing their output with a prefix. */
final class Scripts {
    /** The repository root (set by failsafe). */
    static final Path ROOT = Path.of(System.getProperty("vae.root", "..")).toAbsolutePath().normalize();
    /** The library jar under test (set by failsafe). */
    static final String JAR = System.getProperty("vae.jar");

    private Scripts() {
    }

    /** The result of a finished script. */
    record Result(int exitCode, List<String> lines) {
        String output() {
            return String.join("\n", lines);
        }
    }

    /**
     * Runs {@code scripts/<name> args} with extra environment, feeding every output line to
     * {@code onLine}; kills it after {@code timeoutSeconds}.
     */
    static Result run(String name, Map<String, String> env, long timeoutSeconds, Consumer<String> onLine,
                      String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("scripts").resolve(name).toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[" + name + "] " + line);
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeoutSeconds + " s");
        }
        reader.join(10_000);
        synchronized (lines) {
            return new Result(process.exitValue(), new ArrayList<>(lines));
        }
    }

    static Result run(String name, Map<String, String> env, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        return run(name, env, timeoutSeconds, line -> { }, args);
    }

    /** A file under the repository. */
    static File file(String relative) {
        return ROOT.resolve(relative).toFile();
    }
}
