package io.github.vaespark.train.peer;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Chunks;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.BatchPlan;
import io.github.vaespark.train.ExecutorBuffers;
import io.github.vaespark.train.GradientSetup;
import io.github.vaespark.train.PartitionData;
import io.github.vaespark.train.ShareGradient;
import io.github.vaespark.train.TaskFaults;
import io.github.vaespark.train.TrainingConfig;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * One partition's side of a peer-exchange epoch: open a port, learn the other tasks' addresses
 * through the barrier context, connect to all of them, then run every step of the epoch: compute
 * the gradient sum (sending other shards' pieces as the backward pass finishes them), sum the own
 * shard's pieces in partition order, update the shard with Adam, and exchange the new weights.
 * Returns the shard's state and the task's loss and timings to the driver.
 */
final class PeerTrainingTask extends AbstractFunction1<Iterator<PartitionData>, Iterator<Integer>>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeerTrainingTask.class);

    private final GradientSetup setup;
    private final TrainingConfig config;
    private final Broadcast<EpochStart> start;
    private final int epoch;
    private final long fit;
    private final long token;
    private final long connectTimeoutMillis;
    private final long stepTimeoutMillis;
    private final String coordinatorHost;
    private final int coordinatorPort;

    /**
     * @param fit   a number of this fit (the key of the states tasks leave on their executors)
     * @param token a number of this epoch's job (shared only by its tasks)
     */
    PeerTrainingTask(GradientSetup setup, TrainingConfig config, Broadcast<EpochStart> start, int epoch, long fit,
                     long token, long connectTimeoutMillis, long stepTimeoutMillis, String coordinatorHost,
                     int coordinatorPort) {
        this.setup = setup;
        this.config = config;
        this.start = start;
        this.epoch = epoch;
        this.fit = fit;
        this.token = token;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.stepTimeoutMillis = stepTimeoutMillis;
        this.coordinatorHost = coordinatorHost;
        this.coordinatorPort = coordinatorPort;
    }

    @Override
    public Iterator<Integer> apply(Iterator<PartitionData> data) {
        long taskStart = System.nanoTime();
        BarrierTaskContext context = BarrierTaskContext.get();
        NativeBlas.ensureLoaded();
        PartitionData rows = data.next();
        int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis);
        try (ServerSocket server = new ServerSocket(0, setup.plan().numPartitions());
             PeerCoordinator.Client coordinator = new PeerCoordinator.Client(coordinatorHost, coordinatorPort,
                     timeout)) {
            String host = SparkEnv.get().blockManager().blockManagerId().host();
            long gatherStart = System.nanoTime();
            List<String> all = coordinator.register(token, context.stageAttemptNumber(), context.partitionId(),
                    host + ":" + server.getLocalPort(), context::killTaskIfInterrupted);
            long gatherNanos = System.nanoTime() - gatherStart;
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (String a : all) {
                int colon = a.lastIndexOf(':');
                addresses.add(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))));
            }
            long attemptToken = token * 31 + context.stageAttemptNumber();
            ShardResult result = run(setup.precision().kernels(), context, rows, addresses, server, attemptToken,
                    taskStart, gatherNanos);
            coordinator.deliver(result);
            return scala.collection.Iterator$.MODULE$.single(context.partitionId());
        } catch (IOException e) {
            throw new UncheckedIOException("Peer exchange, task " + context.partitionId() + ": " + e.getMessage(), e);
        }
    }

    private <A> ShardResult run(Kernels<A> kernels, BarrierTaskContext context, PartitionData rows,
                                List<InetSocketAddress> addresses, ServerSocket server, long attemptToken,
                                long taskStart, long gatherNanos) throws IOException {
        int partition = context.partitionId();
        int attempt = context.stageAttemptNumber() + context.attemptNumber();
        int threads = Math.max(1, context.cpus());
        BatchPlan plan = setup.plan();
        int steps = plan.stepsPerEpoch();
        ExecutorBuffers<A> buffers = ExecutorBuffers.get(setup.layout(), kernels, setup.capacity());
        A weights = buffers.weights();
        int numParams = kernels.length(weights);
        Shards shards = new Shards(numParams, plan.numPartitions());
        ShardCache.Entry left = ShardCache.take(fit, epoch, partition);
        ShardState own;
        if (left != null) {
            System.arraycopy(left.weights(), 0, weights, 0, numParams);
            own = left.shard();
        } else {
            EpochStart begin = start.value();
            Chunks.forEach(numParams, (from, to) -> kernels.storeRange(begin.params(), weights, from, to));
            own = ShardState.slice(begin, shards.from(partition), shards.to(partition));
        }
        LossSums[] loss = new LossSums[steps];
        long[] compute = new long[steps];
        long[] update = new long[steps];
        long[] total = new long[steps];
        String diverged = null;
        int done = 0;
        PeerMesh.Check check = context::killTaskIfInterrupted;
        try (PeerMesh<A> mesh = PeerMesh.connect(partition, addresses, server, attemptToken, kernels, weights,
                config.gradientRounding(), connectTimeoutMillis, check)) {
            ShardOptimizer<A> shard = new ShardOptimizer<>(kernels, own, config.stepSize());
            server.close();
            long setupNanos = System.nanoTime() - taskStart;
            LOG.info(String.format("vae-spark: peer task %d, epoch %d: started from %s; %.0f ms to the first step "
                            + "(addresses %.0f ms)", partition, epoch + 1, left != null ? "its executor's state"
                            : "the broadcast", setupNanos / 1e6, gatherNanos / 1e6));
            for (int step = 0; step < steps; step++) {
                TaskFaults.beforeStep(epoch, step, partition, attempt);
                long t0 = System.nanoTime();
                double beta = config.betaAt((long) epoch * steps + step, steps);
                ShareGradient.Result<A> r = ShareGradient.compute(setup, buffers, weights, rows, partition, epoch,
                        step, beta, threads, mesh.tails(step, buffers.gradient));
                mesh.finishGradient(step, r.gradient(), r.loss());
                PeerMesh.Pieces<A> pieces = mesh.awaitPieces(step, check);
                long t1 = System.nanoTime();
                boolean finite = shard.update(pieces.pieces(), 1.0 / plan.stepRows(step));
                mesh.publish(step, shard.published(), finite);
                long t2 = System.nanoTime();
                boolean allFinite = mesh.awaitWeights(step, check);
                LossSums stepLoss = new LossSums();
                for (LossSums l : pieces.losses()) {
                    stepLoss.add(l);
                }
                loss[step] = r.loss();
                compute[step] = r.nanos();
                update[step] = t2 - t1;
                total[step] = System.nanoTime() - t0;
                if (!Double.isFinite(stepLoss.reconstruction() + stepLoss.kl())) {
                    diverged = "loss";
                } else if (!allFinite) {
                    diverged = "gradient";
                }
                if (diverged != null) {
                    break;
                }
                done++;
            }
            ShardState end = shard.state();
            if (diverged == null) {
                A copy = kernels.allocate(numParams);
                System.arraycopy(weights, 0, copy, 0, numParams);
                ShardCache.put(fit, epoch + 1, partition,
                        new ShardCache.Entry(new ShardState(end.params().clone(), end.firstMoment().clone(),
                                end.secondMoment().clone(), end.adamStep()), copy));
            }
            return new ShardResult(partition, shards.from(partition), end.params(), end.firstMoment(),
                    end.secondMoment(), done, diverged, loss, compute, update, total, setupNanos);
        }
    }
}
