package io.github.vaespark.train.barrier;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;

/**
 * The driver's own record of the stage attempts it has started for one job (from Spark's listener
 * bus), so that the exchange accepts only tasks of attempts that really exist: a connection that
 * claims a future attempt cannot lock the real ones out.
 */
final class StageAttempts extends SparkListener {
    private final SparkContext sc;
    private final Map<Integer, Integer> newestByStage = new ConcurrentHashMap<>();
    private final Map<Integer, int[]> stagesByJob = new ConcurrentHashMap<>();
    private volatile Set<Integer> jobIds = Set.of();

    private StageAttempts(SparkContext sc) {
        this.sc = sc;
    }

    /** Starts recording on {@code sc}'s listener bus. */
    static StageAttempts listen(SparkContext sc) {
        StageAttempts record = new StageAttempts(sc);
        sc.addSparkListener(record);
        return record;
    }

    /** The job whose attempts count (known once it was submitted). */
    void watch(Iterable<Integer> ids) {
        Set<Integer> set = ConcurrentHashMap.newKeySet();
        ids.forEach(set::add);
        jobIds = set;
    }

    /** The newest attempt started of any stage of the watched job, or -1. */
    int newest() {
        int newest = -1;
        for (Integer job : jobIds) {
            int[] stages = stagesByJob.get(job);
            if (stages != null) {
                for (int stage : stages) {
                    newest = Math.max(newest, newestByStage.getOrDefault(stage, -1));
                }
            }
        }
        return newest;
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
        int[] stages = new int[event.stageIds().size()];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = (Integer) event.stageIds().apply(i);
        }
        stagesByJob.put(event.jobId(), stages);
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        newestByStage.merge(event.stageInfo().stageId(), event.stageInfo().attemptNumber(), Math::max);
    }

    /** Stops recording. */
    void stop() {
        sc.removeSparkListener(this);
    }
}
