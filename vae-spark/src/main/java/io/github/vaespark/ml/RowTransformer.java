package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
    private final FeatureColumn features;
    private final int featureIndex;
    private final Outputs outputs;

    RowTransformer(ExecutorModel model, FeatureColumn features, int featureIndex, Outputs outputs) {
        this.model = model;
        this.features = features;
        this.featureIndex = featureIndex;
        this.outputs = outputs;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        BatchInference<?> inference = new BatchInference<>(model, model.precision().kernels(), outputs);
        return new BatchedRows<Row, Row>(input, inference) {
            @Override
            boolean read(Row row, RowPlace where, double[] into) {
                return features.read(row, featureIndex, where, into);
            }

            @Override
            Row keep(Row row, int position) {
                return row;
            }

            @Override
            Row emit(Row row, int j) {
                Object[] cells = new Object[row.length() + inference.outputCells()];
                for (int c = 0; c < row.length(); c++) {
                    cells[c] = row.get(c);
                }
                inference.appendOutputs(j, cells, row.length());
                return RowFactory.create(cells);
            }
        };
    }
}
