package io.github.vaespark.ml;

import io.github.vaespark.nn.Kernels;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;

/**
 * The per-partition work of a batch {@code transform} on Spark's internal rows: each input row
 * is kept as it is (copied once, since Spark reuses row objects), its features are read straight
 * into the batch buffer, and the appended columns are joined to it without converting the other
 * columns to external objects and back. Computes exactly what {@link RowTransformer} computes
 * (the same batches and kernels), which streaming inputs still use.
 */
final class InternalRowTransformer implements FlatMapFunction<Iterator<InternalRow>, InternalRow>, Serializable {
    private static final long serialVersionUID = 1L;
    private static final VectorUDT VECTOR = new VectorUDT();

    private final ExecutorModel model;
    private final FeatureColumn features;
    private final int featureIndex;
    private final RowTransformer.Outputs outputs;

    InternalRowTransformer(ExecutorModel model, FeatureColumn features, int featureIndex,
                           RowTransformer.Outputs outputs) {
        this.model = model;
        this.features = features;
        this.featureIndex = featureIndex;
        this.outputs = outputs;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
        return new Batches<>(model.precision().kernels(), input);
    }

    private final class Batches<A> implements Iterator<InternalRow> {
        private final Iterator<InternalRow> input;
        private final BatchInference<A> inference;
        private final int partition;
        private final int latent;
        private final int extra;
        private final List<InternalRow> rows = new ArrayList<>(BatchInference.BATCH_ROWS);
        private final List<InternalRow> ready = new ArrayList<>(BatchInference.BATCH_ROWS);
        private long rowNumber;
        private int next;

        Batches(Kernels<A> kernels, Iterator<InternalRow> input) {
            this.input = input;
            this.inference = new BatchInference<>(model, kernels, outputs);
            TaskContext context = TaskContext.get();
            this.partition = context == null ? 0 : context.partitionId();
            this.latent = model.layout().latentDim();
            this.extra = outputs.count(latent);
        }

        @Override
        public boolean hasNext() {
            while (next >= ready.size() && input.hasNext()) {
                nextBatch();
            }
            return next < ready.size();
        }

        @Override
        public InternalRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.get(next++);
        }

        private void nextBatch() {
            rows.clear();
            ready.clear();
            next = 0;
            while (rows.size() < BatchInference.BATCH_ROWS && input.hasNext()) {
                InternalRow row = input.next();
                long number = rowNumber++;
                if (features.read(row, featureIndex, "row " + number + " of partition " + partition,
                        inference.row(rows.size()))) {
                    rows.add(row.copy());
                }
            }
            if (rows.isEmpty()) {
                return;
            }
            int n = rows.size();
            inference.run(n);
            for (int j = 0; j < n; j++) {
                Object[] cells = new Object[extra];
                int c = 0;
                double[] mean = inference.latentMean(j);
                if (outputs.latentMean()) {
                    cells[c++] = VECTOR.serialize(new DenseVector(mean));
                }
                if (outputs.reconstruction()) {
                    cells[c++] = VECTOR.serialize(new DenseVector(inference.reconstruction(j)));
                }
                if (outputs.elbo()) {
                    cells[c++] = inference.elbo(j);
                }
                if (outputs.flatLatent()) {
                    for (int i = 0; i < latent; i++) {
                        cells[c++] = mean[i];
                    }
                }
                ready.add(new JoinedRow(rows.get(j), new GenericInternalRow(cells)));
            }
        }
    }
}
