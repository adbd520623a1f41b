package io.github.vaespark.train;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executor-wide helper threads for tasks that Spark gave several CPUs (spark.task.cpus &gt; 1):
 * such a task splits its share of a step across itself and these threads.
 */
final class ComputeThreads {
    private static ExecutorService pool;
    private static int size;

    private ComputeThreads() {
    }

    /** Runs {@code work} on a pool of at least {@code threads} daemon threads. */
    static synchronized <T> Future<T> submit(int threads, Callable<T> work) {
        if (pool == null || size < threads) {
            if (pool != null) {
                pool.shutdown();
            }
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "vae-spark-compute-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            size = threads;
        }
        return pool.submit(work);
    }

    /** The result of {@code future}, rethrowing the work's own exception. */
    static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
