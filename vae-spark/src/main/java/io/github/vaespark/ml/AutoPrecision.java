package io.github.vaespark.ml;

import io.github.vaespark.blas.OneDnn;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.train.JobProperties;
import io.github.vaespark.train.PrecisionChoice;
import io.github.vaespark.train.PrecisionProbe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;

/**
 * Resolves {@code precision=auto} for a fit before its rows are cached: a fit resuming a checkpoint
 * keeps the checkpoint's precision; otherwise one task on an executor reads the first valid training
 * rows of the first partition that has any (one training chunk's worth) and runs
 * {@link PrecisionProbe} on them, so that the choice reflects the CPU that trains (in local mode,
 * where the tasks run on the driver's CPU, a CPU without native bfloat16 is answered without a
 * job). The choice depends on timings, so a run that must be reproducible sets the precision
 * explicitly (a fit that chose bfloat16 gives the weights of {@code precision=bfloat16}, and
 * likewise for float32).
 */
final class AutoPrecision {
    private AutoPrecision() {
    }

    /**
     * @param chunkRows the columns of a training chunk: the per-task share of a step, capped as the trainer caps it
     */
    static PrecisionChoice choose(Dataset<?> dataset, RowReader reader, String indicatorCol, VaeLayout layout,
                                  int chunkRows, long seed, String checkpointDir) {
        SparkContext sc = dataset.sparkSession().sparkContext();
        if (!checkpointDir.isEmpty()) {
            PrecisionChoice resumed = PrecisionChoice.ofCheckpoint(checkpointDir, sc.hadoopConfiguration());
            if (resumed != null) {
                return resumed;
            }
        }
        if (sc.isLocal() && !OneDnn.platformSupportsBf16()) {
            // The tasks run in this JVM, on this CPU: the probe would say the same without a job.
            return PrecisionProbe.notNative();
        }
        JavaRDD<double[]> rows = TrainingInput.decode(dataset, reader, indicatorCol, false, false);
        // One job on one partition: its first valid rows are probed where they are read.
        JavaRDD<PrecisionChoice> probes = rows.mapPartitions(it -> {
            List<double[]> sample = new ArrayList<>();
            while (it.hasNext() && sample.size() < chunkRows) {
                double[] row = it.next();
                if (row != null) {  // null: a skipped invalid row
                    sample.add(row);
                }
            }
            return sample.isEmpty() ? Collections.emptyIterator()
                    : List.of(PrecisionProbe.run(layout, sample, chunkRows, seed)).iterator();
        });
        return JobProperties.submit(sc, "vae-spark precision=auto probe", () -> {
            for (int partition = 0; partition < probes.getNumPartitions(); partition++) {
                List<PrecisionChoice>[] found = probes.collectPartitions(new int[] {partition});
                if (!found[0].isEmpty()) {
                    return found[0].get(0);
                }
            }
            return PrecisionChoice.float32Because("no valid row to probe bfloat16 with");
        });
    }
}
