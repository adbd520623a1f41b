package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
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
        BatchInference<?> inference = new BatchInference<>(model, model.precision().kernels(), outputs);
        return new BatchedRows<InternalRow, InternalRow>(input, inference) {
            @Override
            boolean read(InternalRow row, String where, double[] into) {
                return features.read(row, featureIndex, where, into);
            }

            @Override
            InternalRow keep(InternalRow row) {
                return row.copy();
            }

            @Override
            InternalRow emit(InternalRow row, int j) {
                Object[] cells = new Object[inference.outputCells()];
                inference.appendOutputs(j, cells, 0, true);
                return new JoinedRow(row, new GenericInternalRow(cells));
            }
        };
    }
}
