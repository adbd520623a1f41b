package io.github.vaespark.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/** A listener that lists the Spark jobs of a period: start and end in ms from {@link #reset()}, and a description. */
final class JobLog extends SparkListener {
    private final List<String> jobs = new ArrayList<>();
    private final java.util.Map<Integer, Long> starts = new java.util.HashMap<>();
    private final java.util.Map<Integer, String> names = new java.util.HashMap<>();
    private long origin = System.currentTimeMillis();

    /** Starts a new period. */
    synchronized void reset() {
        jobs.clear();
        origin = System.currentTimeMillis();
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
        String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        starts.put(e.jobId(), e.time());
        names.put(e.jobId(), d != null ? d : e.stageInfos().isEmpty() ? "?" : e.stageInfos().head().name());
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
        Long s = starts.remove(e.jobId());
        jobs.add(String.format("%s: %d-%d ms", names.remove(e.jobId()), s == null ? -1 : s - origin, e.time() - origin));
    }

    /** The jobs ended since the last reset. */
    synchronized List<String> jobs() {
        return List.copyOf(jobs);
    }
}
