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
        private final BatchInference<A> inference;
        private final int partition;
        private long rowNumber;
        private List<Row> ready = List.of();
        private int next;

        Batches(Kernels<A> kernels, Iterator<Row> input) {
            this.input = input;
            this.inference = new BatchInference<>(model, kernels, outputs);
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
            List<Row> rows = new ArrayList<>(BatchInference.BATCH_ROWS);
            while (rows.size() < BatchInference.BATCH_ROWS && input.hasNext()) {
                Row row = input.next();
                String where = "row " + rowNumber + " of partition " + partition;
                rowNumber++;
                if (features.read(row, featureIndex, where, inference.row(rows.size()))) {
                    rows.add(row);
                }
            }
            if (rows.isEmpty()) {
                return rows;
            }
            int n = rows.size();
            inference.run(n);
            int latent = layout.latentDim();
            List<Row> result = new ArrayList<>(n);
            int extra = outputs.count(latent);
            for (int j = 0; j < n; j++) {
                Row row = rows.get(j);
                Object[] cells = new Object[row.length() + extra];
                for (int c = 0; c < row.length(); c++) {
                    cells[c] = row.get(c);
                }
                int c = row.length();
                double[] mean = inference.latentMean(j);
                if (outputs.latentMean()) {
                    cells[c++] = new DenseVector(mean);
                }
                if (outputs.reconstruction()) {
                    cells[c++] = new DenseVector(inference.reconstruction(j));
                }
                if (outputs.elbo()) {
                    cells[c++] = inference.elbo(j);
                }
                if (outputs.flatLatent()) {
                    for (int i = 0; i < latent; i++) {
                        cells[c++] = mean[i];
                    }
                }
                result.add(RowFactory.create(cells));
            }
            return result;
        }
    }
}
