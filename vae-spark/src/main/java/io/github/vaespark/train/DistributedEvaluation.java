package io.github.vaespark.train;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The negative ELBO of cached rows under given weights, with one noise draw per row fixed by
 * (seed, row key): a deterministic, comparable number, e.g. for validation after each epoch.
 */
public final class DistributedEvaluation {
    private DistributedEvaluation() {
    }

    /** Loss sums over all rows of {@code data}, added in partition order. */
    public static LossSums evaluate(TrainingData data, VaeLayout layout, double[] params, long seed, int chunkRows) {
        Precision precision = data.precision();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.blocks().context());
        Broadcast<?> weights = jsc.broadcast(precision.kernels().fromDoubles(params));
        long[] offsets = data.partitionOffsets();
        try {
            List<LossSums> parts = data.blocks().mapPartitionsWithIndex((p, it) -> {
                PartitionData rows = it.next();
                return List.of(evaluatePartition(precision.kernels(), layout, weights.value(), rows, seed,
                        offsets[p], chunkRows)).iterator();
            }, true).collect();
            LossSums total = new LossSums();
            parts.forEach(total::add);
            return total;
        } finally {
            weights.destroy();
        }
    }

    @SuppressWarnings("unchecked")
    private static <A> LossSums evaluatePartition(Kernels<A> kernels, VaeLayout layout, Object weights,
                                                 PartitionData rows, long seed, long keyBase, int chunkRows) {
        LossSums sums = new LossSums();
        if (rows.rows() == 0) {
            return sums;
        }
        NativeBlas.ensureLoaded();
        VaeNetwork<A> network = new VaeNetwork<>(layout, kernels);
        Workspace<A> ws = network.newWorkspace(Math.min(chunkRows, rows.rows()));
        double[] scratch = new double[layout.latentDim()];
        for (int from = 0; from < rows.rows(); from += ws.capacity()) {
            int n = Math.min(ws.capacity(), rows.rows() - from);
            DenseMatrix<?> x = rows.load(kernels, ws, null, from, n, seed, keyBase, scratch);
            sums.add(network.evaluate((A) weights, x, ws, null, null));
        }
        return sums;
    }
}
