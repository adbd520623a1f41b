package io.github.vaespark.train.jobs;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.BatchPlan;
import io.github.vaespark.train.GradientRounding;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.OrderedGradientSum;
import io.github.vaespark.train.PartialGradient;
import io.github.vaespark.train.SparkSeqs;
import io.github.vaespark.train.TrainingData;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * One synchronous step as one Spark job: broadcast the weights, compute every partition's
 * gradient sum, and add the sums on the driver in partition order. The broadcast is destroyed
 * before returning.
 */
public final class SynchronousStep {
    private static final ClassTag<PartialGradient> RESULT_TAG = ClassTag$.MODULE$.apply(PartialGradient.class);

    /**
     * Loss sums of the step, and where its time went: creating the broadcast, the Spark job
     * (scheduling, tasks, result transfer and summation) and, within the job, the slowest
     * partition's computation.
     */
    public record Outcome(LossSums loss, long broadcastNanos, long jobNanos, long maxComputeNanos) {
    }

    private SynchronousStep() {
    }

    /**
     * Computes the summed (not yet averaged) gradient of {@code step} into {@code gradientSum},
     * each partition's values rounded as {@code rounding} says.
     */
    public static <A> Outcome run(Kernels<A> kernels, TrainingData data, GradientSetup setup, double[] params,
                           int epoch, int step, double beta, double[] gradientSum, GradientRounding rounding) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.blocks().context());
        int[] partitions = partitionsWithRows(setup.plan(), step);
        OrderedGradientSum<A> sum = new OrderedGradientSum<>(kernels, partitions, gradientSum, rounding);
        long start = System.nanoTime();
        Broadcast<byte[]> weights = jsc.broadcast(kernels.toBytes(params));
        long broadcastDone = System.nanoTime();
        try {
            jsc.sc().runJob(data.blocks().rdd(), new GradientTask(setup, weights, epoch, step, beta),
                    SparkSeqs.ints(partitions), sum, RESULT_TAG);
        } finally {
            weights.destroy();
        }
        long jobDone = System.nanoTime();
        if (!sum.complete()) {
            throw new IllegalStateException("Step " + (step + 1) + " of epoch " + (epoch + 1)
                    + " ended without every partition's gradient");
        }
        if (sum.empty()) {
            Arrays.fill(gradientSum, 0);
        }
        return new Outcome(sum.loss(), broadcastDone - start, jobDone - broadcastDone, sum.maxComputeNanos());
    }

    /** The partitions that contribute rows to {@code step}, ascending. */
    static int[] partitionsWithRows(BatchPlan plan, int step) {
        return java.util.stream.IntStream.range(0, plan.numPartitions())
                .filter(p -> plan.share(p, step) > 0).toArray();
    }
}
