package io.github.vaespark.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.executor.TaskMetrics;

/**
 * A listener that splits Spark's side of each training step's job into its parts, from the
 * scheduler's own task metrics: delay until tasks launch, task deserialisation, run time, result
 * serialisation, and the time from a task's end on the executor until the driver has its result.
 * Only jobs described as "vae-spark: epoch …" (the steps) are counted.
 */
final class TaskTimeline extends SparkListener {
    private long jobStart;
    private boolean counting;
    private long jobs;
    private long tasks;
    private double jobMillis;
    private double launchDelay;
    private double deserialize;
    private double run;
    private double resultSerialize;
    private double resultDelivery;
    private double resultBytes;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
        String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        counting = description != null && description.startsWith("vae-spark: epoch");
        if (counting) {
            jobStart = e.time();
            jobs++;
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
        if (counting) {
            jobMillis += e.time() - jobStart;
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        TaskInfo info = e.taskInfo();
        TaskMetrics m = e.taskMetrics();
        if (m == null || !counting) {
            return;
        }
        tasks++;
        launchDelay += info.launchTime() - jobStart;
        deserialize += m.executorDeserializeTime();
        run += m.executorRunTime();
        resultSerialize += m.resultSerializationTime();
        resultDelivery += info.duration() - m.executorDeserializeTime() - m.executorRunTime()
                - m.resultSerializationTime();
        resultBytes += m.resultSize();
    }

    /** Averages per job and per task, in milliseconds (bytes for the result size). */
    synchronized Map<String, Object> averages() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jobs", jobs);
        out.put("job_ms", jobMillis / jobs);
        out.put("task_launch_delay_ms", launchDelay / tasks);
        out.put("task_deserialize_ms", deserialize / tasks);
        out.put("task_run_ms", run / tasks);
        out.put("task_result_serialize_ms", resultSerialize / tasks);
        out.put("task_result_delivery_ms", resultDelivery / tasks);
        out.put("task_result_bytes", resultBytes / tasks);
        return out;
    }
}
