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
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The per-partition work of {@code VariationalAutoencoderModel.transform}: rows are read in
 * batches, stacked into a matrix and pushed through the encoder (and decoder) with GEMM; each
 * input row is emitted with the requested columns appended.
 */
final class RowTransformer implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    /** Rows per GEMM batch. */
    static final int BATCH_ROWS = 512;

    /** Which columns to append. */
    record Outputs(boolean latentMean, boolean reconstruction, boolean elbo, int elboSamples, boolean flatLatent,
                   long noiseSeed) implements Serializable {
        int count(int latentDim) {
            return (latentMean ? 1 : 0) + (reconstruction ? 1 : 0) + (elbo ? 1 : 0) + (flatLatent ? latentDim : 0);
        }
    }

    private final ExecutorModel model;
    private final VaeLayout layout;
    private final FeatureColumn features;
    private final int featureIndex;
    private final Outputs outputs;

    RowTransformer(ExecutorModel model, FeatureColumn features, int featureIndex, Outputs outputs) {
        this.model = model;
        this.layout = model.layout();
        this.features = features;
        this.featureIndex = featureIndex;
        this.outputs = outputs;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Batches<>(model.precision().kernels(), input);
    }

    private final class Batches<A> implements Iterator<Row> {
        private final Iterator<Row> input;
        private final VaeNetwork<A> network;
        private final A params;
        private final int partition;
        private long rowNumber;
        private List<Row> ready = List.of();
        private int next;

        Batches(Kernels<A> kernels, Iterator<Row> input) {
            this.input = input;
            this.network = model.network(kernels);
            this.params = model.params(kernels);
            TaskContext context = TaskContext.get();
            this.partition = context == null ? 0 : context.partitionId();
        }

        @Override
        public boolean hasNext() {
            while (next >= ready.size() && input.hasNext()) {
                ready = nextBatch();
                next = 0;
            }
            return next < ready.size();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.get(next++);
        }

        private List<Row> nextBatch() {
            List<Row> rows = new ArrayList<>(BATCH_ROWS);
            List<double[]> values = new ArrayList<>(BATCH_ROWS);
            while (rows.size() < BATCH_ROWS && input.hasNext()) {
                Row row = input.next();
                double[] x = features.read(row, featureIndex, "row " + rowNumber + " of partition " + partition);
                rowNumber++;
                if (x != null) {
                    rows.add(row);
                    values.add(x);
                }
            }
            return rows.isEmpty() ? rows : compute(rows, values);
        }

        private List<Row> compute(List<Row> rows, List<double[]> values) {
            int n = rows.size();
            int latent = layout.latentDim();
            Kernels<A> k = network.kernels();
            Workspace<A> ws = WorkspaceCache.forCurrentThread(network, BATCH_ROWS);
            DenseMatrix<?> x = ws.input(n);
            for (int j = 0; j < n; j++) {
                k.setColumn(x, j, values.get(j));
            }
            DenseMatrix<?> mu = network.latentMean(network.encode(params, x, ws), ws);
            double[][] means = new double[n][latent];
            for (int j = 0; j < n; j++) {
                k.getColumn(mu, j, means[j]);
            }
            double[][] reconstructions = null;
            if (outputs.reconstruction()) {
                DenseMatrix<?> out = network.decodeMean(params, mu, ws);
                reconstructions = new double[n][layout.inputDim()];
                for (int j = 0; j < n; j++) {
                    k.getColumn(out, j, reconstructions[j]);
                }
            }
            double[] elbo = outputs.elbo() ? elbo(ws, x, values) : null;

            List<Row> result = new ArrayList<>(n);
            int extra = outputs.count(latent);
            for (int j = 0; j < n; j++) {
                Row row = rows.get(j);
                Object[] cells = new Object[row.length() + extra];
                for (int c = 0; c < row.length(); c++) {
                    cells[c] = row.get(c);
                }
                int c = row.length();
                if (outputs.latentMean()) {
                    cells[c++] = new DenseVector(means[j]);
                }
                if (outputs.reconstruction()) {
                    cells[c++] = new DenseVector(reconstructions[j]);
                }
                if (outputs.elbo()) {
                    cells[c++] = elbo[j];
                }
                if (outputs.flatLatent()) {
                    for (int i = 0; i < latent; i++) {
                        cells[c++] = means[j][i];
                    }
                }
                result.add(RowFactory.create(cells));
            }
            return result;
        }

        /** Monte-Carlo ELBO per row, with noise fixed by the row's values. */
        private double[] elbo(Workspace<A> ws, DenseMatrix<?> x, List<double[]> values) {
            int n = x.cols();
            double[] recon = new double[n];
            double[] kl = new double[n];
            double[] scratch = new double[layout.latentDim()];
            DenseMatrix<?> eps = ws.epsilon(n);
            for (int s = 0; s < outputs.elboSamples(); s++) {
                for (int j = 0; j < n; j++) {
                    LatentNoise.fillColumn(network.kernels(), eps, j, LatentNoise.mix(outputs.noiseSeed(), s),
                            LatentNoise.contentKey(values.get(j)), scratch);
                }
                network.evaluate(params, x, ws, recon, kl);
            }
            double[] elbo = new double[n];
            for (int j = 0; j < n; j++) {
                elbo[j] = -(recon[j] + kl[j]) / outputs.elboSamples();
            }
            return elbo;
        }
    }
}
