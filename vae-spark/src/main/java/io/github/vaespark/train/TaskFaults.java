package io.github.vaespark.train;

/**
 * A test seam for fault injection on executors that share the driver's JVM (local mode): when a
 * hook is installed, every gradient task calls it before computing, and the hook may throw to
 * make that task attempt fail. No hook is installed outside tests.
 */
public final class TaskFaults {
    /** Decides whether a task attempt fails. */
    @FunctionalInterface
    public interface Hook {
        void beforeStep(int epoch, int step, int partition, int attempt);
    }

    private static volatile Hook hook;

    private TaskFaults() {
    }

    /** Installs (or with null removes) the hook for this JVM. */
    public static void install(Hook newHook) {
        hook = newHook;
    }

    public static void beforeStep(int epoch, int step, int partition, int attempt) {
        Hook h = hook;
        if (h != null) {
            h.beforeStep(epoch, step, partition, attempt);
        }
    }
}
