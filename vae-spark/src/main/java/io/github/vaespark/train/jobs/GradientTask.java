package io.github.vaespark.train.jobs;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.train.ExecutorBuffers;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.PartialGradient;
import io.github.vaespark.train.PartitionData;
import io.github.vaespark.train.ShareGradient;
import io.github.vaespark.train.TaskFaults;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The work of one partition in one step of the "jobs" exchange (one Spark job per step): decode
 * the broadcast weights, compute the partition's share, and return the summed gradient as the
 * task result.
 */
public final class GradientTask extends AbstractFunction2<TaskContext, Iterator<PartitionData>, PartialGradient>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GradientSetup setup;
    private final Broadcast<byte[]> params;
    private final int epoch;
    private final int step;
    private final double beta;

    public GradientTask(GradientSetup setup, Broadcast<byte[]> params, int epoch, int step, double beta) {
        this.setup = setup;
        this.params = params;
        this.epoch = epoch;
        this.step = step;
        this.beta = beta;
    }

    @Override
    public PartialGradient apply(TaskContext context, Iterator<PartitionData> data) {
        int partition = context.partitionId();
        NativeBlas.ensureLoaded();
        PartitionData rows = data.next();
        TaskFaults.beforeStep(epoch, step, partition, context.attemptNumber());
        return compute(partition, rows, Math.max(1, context.cpus()));
    }

    /** The partial gradient of one partition, computed with {@code threads} threads. */
    public PartialGradient compute(int partition, PartitionData rows, int threads) {
        return compute(setup.precision().kernels(), partition, rows, threads);
    }

    private <A> PartialGradient compute(Kernels<A> kernels, int partition, PartitionData rows, int threads) {
        long start = System.nanoTime();
        ExecutorBuffers<A> buffers = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
        A weights = buffers.weights();
        if (setup.plan().share(partition, step) > 0) {
            kernels.fromBytes(params.value(), weights);
        }
        ShareGradient.Result<A> r = ShareGradient.compute(setup, buffers, weights, rows, partition, epoch,
                step, beta, threads, null);
        return new PartialGradient(r.gradient(), r.loss(), System.nanoTime() - start);
    }
}
