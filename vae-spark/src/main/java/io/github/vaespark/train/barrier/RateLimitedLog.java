package io.github.vaespark.train.barrier;

import org.slf4j.Logger;

/**
 * A warning that is logged at most once per interval; the occurrences in between are counted and
 * reported with the next one, so a flood of refused connections cannot flood the log.
 */
final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private long last = Long.MIN_VALUE;
    private long suppressed;

    RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Logs {@code message} (with {@code arg}) unless a warning was logged within the interval. */
    synchronized void warn(String message, Object arg) {
        long now = System.nanoTime();
        if (last != Long.MIN_VALUE && now - last < intervalNanos) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            log.warn(message + " ({} similar messages suppressed)", arg, suppressed);
        } else {
            log.warn(message, arg);
        }
        last = now;
        suppressed = 0;
    }
}
