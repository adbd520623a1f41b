package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;

/**
 * The per-partition work of a batch {@code transform} on Spark's internal rows: each input row
 * is kept as it is (copied once, since Spark reuses row objects, into buffers reused batch after
 * batch), its features are read straight into the batch buffer, and the appended columns are
 * joined to it without converting the other columns to external objects and back; the output
 * row and its appended cells are reused from row to row, so a batch allocates nothing per row.
 * Computes exactly what {@link RowTransformer} computes (the same batches and kernels), which
 * streaming inputs still use.
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
        KeptRows kept = new KeptRows();
        VectorCells latentCell = inference.latentCell();
        VectorCells reconstructionCell = inference.reconstructionCell();
        Object[] cells = new Object[inference.outputCells()];
        GenericInternalRow appended = new GenericInternalRow(cells);
        JoinedRow joined = new JoinedRow();
        return new BatchedRows<InternalRow, InternalRow>(input, inference) {
            @Override
            boolean read(InternalRow row, RowPlace where, double[] into) {
                return features.read(row, featureIndex, where, into);
            }

            @Override
            InternalRow keep(InternalRow row, int position) {
                return kept.keep(row, position);
            }

            @Override
            InternalRow emit(InternalRow row, int j) {
                inference.appendInternalOutputs(j, cells, latentCell, reconstructionCell);
                return joined.apply(row, appended);
            }
        };
    }
}
