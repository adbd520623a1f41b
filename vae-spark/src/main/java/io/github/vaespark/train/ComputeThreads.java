package io.github.vaespark.train;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executor-wide helper threads for tasks that Spark gave several CPUs (spark.task.cpus &gt; 1):
 * such a task computes some of its row chunks on these threads. The threads hold no state of
 * their own (each piece of work carries its task's {@link ChunkSlot}), so any number of tasks may
 * share them; the pool grows with demand and idle threads end after a minute.
 */
final class ComputeThreads {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vae-spark-compute-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private ComputeThreads() {
    }

    /** Runs {@code work} on a helper thread. */
    static <T> Future<T> submit(Callable<T> work) {
        return POOL.submit(work);
    }

    /** The result of {@code future}, rethrowing the work's own exception. */
    static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IllegalStateException("Interrupted while waiting for a compute thread", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
