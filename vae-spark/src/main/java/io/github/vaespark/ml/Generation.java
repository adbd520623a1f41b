package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LatentNoise;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.LogVarianceBounds;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import io.github.vaespark.nn.WorkspaceCache;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor-side generation for {@code VariationalAutoencoderModel.sample}: each row id gets
 * z ~ N(0, I) drawn from (seed, id), decoded in batches; optionally x is then drawn from p(x|z).
 */
final class Generation implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    private final ExecutorModel model;
    private final VaeLayout layout;
    private final double[] logVariance;
    private final long seed;
    private final boolean drawObservation;

    Generation(ExecutorModel model, double[] logVariance, long seed, boolean drawObservation) {
        this.model = model;
        this.layout = model.layout();
        this.logVariance = logVariance;
        this.seed = seed;
        this.drawObservation = drawObservation;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> ids) {
        return generate(model.precision().kernels(), ids);
    }

    private <A> Iterator<Row> generate(Kernels<A> k, Iterator<Row> ids) {
        VaeNetwork<A> network = model.network(k);
        A params = model.params(k);
        List<Row> out = new ArrayList<>();
        List<Long> batch = new ArrayList<>(BatchInference.BATCH_ROWS);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next < out.size()) {
                    return true;
                }
                out.clear();
                next = 0;
                batch.clear();
                while (batch.size() < BatchInference.BATCH_ROWS && ids.hasNext()) {
                    batch.add(ids.next().getLong(0));
                }
                if (!batch.isEmpty()) {
                    decodeBatch();
                }
                return next < out.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return out.get(next++);
            }

            private void decodeBatch() {
                int n = batch.size();
                Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BatchInference.BATCH_ROWS);
                DenseMatrix<?> z = ws.latent(n);
                double[] scratch = new double[layout.latentDim()];
                double[][] latents = new double[n][];
                for (int j = 0; j < n; j++) {
                    LatentNoise.fillColumn(k, z, j, seed, batch.get(j), scratch);
                    latents[j] = scratch.clone();
                }
                DenseMatrix<?> mean = network.decodeMean(params, z, ws);
                for (int j = 0; j < n; j++) {
                    double[] x = new double[layout.inputDim()];
                    k.getColumn(mean, j, x);
                    if (drawObservation) {
                        observe(x, LatentNoise.mix(seed ^ 0x0B5E_47E5L, batch.get(j)));
                    }
                    out.add(RowFactory.create(batch.get(j), new DenseVector(latents[j]), new DenseVector(x)));
                }
            }
        };
    }

    /** Replaces the mean by a draw from p(x|z): Bernoulli 0/1 values or Gaussian noise with the learned variance. */
    private void observe(double[] mean, long rowSeed) {
        SplittableRandom random = new SplittableRandom(rowSeed);
        for (int i = 0; i < mean.length; i++) {
            if (layout.likelihood() == Likelihood.BERNOULLI) {
                mean[i] = random.nextDouble() < mean[i] ? 1.0 : 0.0;
            } else {
                mean[i] += Math.exp(0.5 * LogVarianceBounds.decoder(logVariance[i])) * random.nextGaussian();
            }
        }
    }
}
