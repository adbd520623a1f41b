package io.github.vaespark.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * How partial gradients and weights travel between the partitions and the driver each step (the
 * exchangeMode param); {@link ExchangeChoice} applies it to the cluster at hand.
 */
public enum ExchangeMode {
    /**
     * {@link #BARRIER} (or {@link #PEER} for many tasks and a large model on a cluster) when every
     * partition gets a task slot at once and dynamic allocation is off, else {@link #JOBS}.
     */
    AUTO,
    /** One long-lived barrier-mode job; its tasks exchange gradients and weights with the driver directly. */
    BARRIER,
    /** One Spark job per step: weights broadcast, gradients returned as task results. */
    JOBS,
    /**
     * One barrier job per epoch whose tasks exchange among themselves: each owns a shard of the
     * parameters, receives the other tasks' pieces of its shard's gradient (reduce-scatter), applies
     * Adam to it, and sends its new weights to all (all-gather). The driver is off the data path.
     */
    PEER;

    /** The name used by the exchangeMode param. */
    public String paramName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode for a param value such as {@code "barrier"}; case-insensitive. */
    public static ExchangeMode fromParam(String value) {
        for (ExchangeMode m : values()) {
            if (m.paramName().equalsIgnoreCase(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown exchangeMode '" + value + "'; expected one of "
                + String.join(", ", paramNames()));
    }

    /** All param values. */
    public static String[] paramNames() {
        return Arrays.stream(values()).map(ExchangeMode::paramName).toArray(String[]::new);
    }
}
