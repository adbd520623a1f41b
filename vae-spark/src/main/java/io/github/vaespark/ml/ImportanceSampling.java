package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.nn.WorkspaceCache;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * The importance-weighted (IWAE) estimate of log p(x) per row, summed per partition:
 * log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x) with z_i ~ q(z|x). Noise is fixed by the row's
 * values and i, so the estimate is reproducible and the first k samples are shared between k and
 * any larger k.
 */
final class ImportanceSampling implements FlatMapFunction<Iterator<Row>, double[]>, Serializable {
    private static final long serialVersionUID = 1L;

    private final ExecutorModel model;
    private final VaeLayout layout;
    private final RowReader features;
    private final int samples;
    private final long seed;

    ImportanceSampling(ExecutorModel model, RowReader features, int samples, long seed) {
        this.model = model;
        this.layout = model.layout();
        this.features = features;
        this.samples = samples;
        this.seed = seed;
    }

    /** One element per partition: {Σ log p̂(x), rows}. */
    @Override
    public Iterator<double[]> call(Iterator<Row> rows) {
        return List.of(sum(model.precision().kernels(), rows)).iterator();
    }

    private <A> double[] sum(Kernels<A> k, Iterator<Row> rows) {
        A params = model.params(k);
        VaeNetwork<A> network = model.network(k.withConstantWeights(params));
        double total = 0;
        long count = 0;
        long index = 0;
        RowPlace place = new RowPlace(-1);
        List<double[]> batch = new ArrayList<>();
        while (rows.hasNext() || !batch.isEmpty()) {
            if (rows.hasNext() && batch.size() < BatchInference.BATCH_ROWS) {
                double[] x = new double[features.dim()];
                if (features.read(rows.next(), place.at(index++), x)) {
                    batch.add(x);
                }
                continue;
            }
            total += batchSum(k, network, params, batch);
            count += batch.size();
            batch.clear();
        }
        return new double[] {total, count};
    }

    private <A> double batchSum(Kernels<A> k, VaeNetwork<A> network, A params, List<double[]> batch) {
        int n = batch.size();
        Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BatchInference.BATCH_ROWS);
        DenseMatrix<?> x = ws.input(n);
        long[] keys = new long[n];
        for (int j = 0; j < n; j++) {
            k.setColumn(x, j, batch.get(j));
            keys[j] = LatentNoise.contentKey(batch.get(j));
        }
        DenseMatrix<?> head = network.encode(params, x, ws);
        double[][] logWeights = new double[samples][n];
        double[] scratch = new double[layout.latentDim()];
        DenseMatrix<?> eps = ws.epsilon(n);
        for (int s = 0; s < samples; s++) {
            long streamSeed = LatentNoise.mix(seed, s);
            for (int j = 0; j < n; j++) {
                LatentNoise.fillColumn(k, eps, j, streamSeed, keys[j], scratch);
            }
            network.addLogImportanceWeight(params, x, head, ws, logWeights[s]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < samples; s++) {
                max = Math.max(max, logWeights[s][j]);
            }
            double acc = 0;
            for (int s = 0; s < samples; s++) {
                acc += Math.exp(logWeights[s][j] - max);
            }
            sum += max + Math.log(acc / samples);
        }
        return sum;
    }
}
