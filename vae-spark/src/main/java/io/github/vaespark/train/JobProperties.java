package io.github.vaespark.train;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Submits a training job under a description of its own and with thread interruption on
 * cancellation (a failed fit then interrupts its task threads, so a stalled task frees its slot),
 * restoring the fitting thread's previous local properties afterwards.
 */
public final class JobProperties {
    private static final String DESCRIPTION = "spark.job.description";
    private static final String INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";

    private JobProperties() {
    }

    /** Runs {@code submit} (which starts or runs the job) with {@code description} as the job's description. */
    public static <T> T submit(SparkContext sc, String description, Supplier<T> submit) {
        String previous = sc.getLocalProperty(DESCRIPTION);
        String previousInterrupt = sc.getLocalProperty(INTERRUPT_ON_CANCEL);
        sc.setLocalProperty(INTERRUPT_ON_CANCEL, "true");
        sc.setJobDescription(description);
        try {
            return submit.get();
        } finally {
            sc.setJobDescription(previous);
            sc.setLocalProperty(INTERRUPT_ON_CANCEL, previousInterrupt);
        }
    }
}
