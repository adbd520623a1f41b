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
        A params = model.params(k);
        VaeNetwork<A> network = model.network(k.withConstantWeights(params));
        double[] scratch = new double[layout.latentDim()];
        return new Batches<Row, Row>(ids, rows -> {
            int n = rows.size();
            Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BatchInference.BATCH_ROWS);
            DenseMatrix<?> z = ws.latent(n);
            double[][] latents = new double[n][];
            for (int j = 0; j < n; j++) {
                LatentNoise.fillColumn(k, z, j, seed, rows.get(j).getLong(0), scratch);
                latents[j] = scratch.clone();
            }
            DenseMatrix<?> mean = network.decodeMean(params, z, ws);
            List<Row> out = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                long id = rows.get(j).getLong(0);
                double[] x = new double[layout.inputDim()];
                k.getColumn(mean, j, x);
                if (drawObservation) {
                    observe(x, LatentNoise.mix(seed ^ 0x0B5E_47E5L, id));
                }
                out.add(RowFactory.create(id, new DenseVector(latents[j]), new DenseVector(x)));
            }
            return out;
        });
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
