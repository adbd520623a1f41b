package io.github.vaespark.train.barrier;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.BackwardListener;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.train.ExecutorBuffers;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.PartitionData;
import io.github.vaespark.train.ShareGradient;
import io.github.vaespark.train.TaskFaults;
import io.github.vaespark.train.TrainingConfig;
import io.github.vaespark.train.barrier.ExchangeAddress;
import io.github.vaespark.train.barrier.Segments;
import io.github.vaespark.train.barrier.TaskEndpoint;
import io.github.vaespark.train.barrier.Tick;
import java.io.Serializable;
import org.apache.spark.BarrierTaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One partition's side of a barrier training job: join the driver's exchange, then compute
 * whatever step the driver names next, shipping the gradient segment by segment as the backward
 * pass finishes it, until the driver says stop. The partition's rows stay in its cached block and
 * its work buffers stay allocated for the whole job.
 */
final class BarrierTrainingTask extends AbstractFunction1<Iterator<PartitionData>, Iterator<Integer>>
        implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GradientSetup setup;
    private final TrainingConfig config;
    private final ExchangeAddress address;

    BarrierTrainingTask(GradientSetup setup, TrainingConfig config, ExchangeAddress address) {
        this.setup = setup;
        this.config = config;
        this.address = address;
    }

    @Override
    public Iterator<Integer> apply(Iterator<PartitionData> data) {
        BarrierTaskContext context = BarrierTaskContext.get();
        NativeBlas.ensureLoaded();
        PartitionData rows = data.next();
        run(setup.precision().kernels(), context, rows);
        return scala.collection.Iterator$.MODULE$.single(context.partitionId());
    }

    @SuppressWarnings("unchecked")
    private <A> void run(Kernels<A> kernels, BarrierTaskContext context, PartitionData rows) {
        int partition = context.partitionId();
        int attempt = context.stageAttemptNumber();
        int threads = Math.max(1, context.cpus());
        int stepsPerEpoch = setup.plan().stepsPerEpoch();
        ExecutorBuffers<A> buffers = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
        try (TaskEndpoint endpoint = TaskEndpoint.connect(address, partition, attempt, buffers.gradient, kernels,
                context::killTaskIfInterrupted)) {
            Segments segments = endpoint.segments();
            for (int t = 0; ; t++) {
                Tick tick = endpoint.awaitTick(t);
                if (tick.isEnd()) {
                    return;
                }
                TaskFaults.beforeStep(tick.epoch(), tick.step(), partition, attempt + context.attemptNumber());
                double beta = config.betaAt((long) tick.epoch() * stepsPerEpoch + tick.step(), stepsPerEpoch);
                ShareGradient.Result<A> r = ShareGradient.compute(setup, buffers, (A) endpoint.weights(), rows,
                        partition, tick.epoch(), tick.step(), beta, threads, deliveries(endpoint, segments, t));
                endpoint.finish(t, r.loss(), r.nanos(), r.gradient() != null);
            }
        }
    }

    /** Delivers each segment but the last as soon as the backward pass is past it. */
    private static BackwardListener deliveries(TaskEndpoint endpoint, Segments segments, int tick) {
        int[] delivered = {0};
        return from -> {
            int k = segments.finishedBy(from);
            if (k > delivered[0] && k < segments.count()) {
                delivered[0] = k;
                endpoint.deliver(tick, k);
            }
        };
    }
}
