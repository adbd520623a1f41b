package io.github.vaespark.ml;

import io.github.vaespark.table.InternalCells;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import scala.Function1;

/**
 * {@link TableTransformer}'s work on Spark's internal rows, for batch input whose table columns
 * have exactly the training types: cells are encoded straight from the row
 * ({@link TableRows#read(InternalRow, int[], InternalCells[], RowPlace, double[])}), the input row is
 * kept as it is and the appended columns are joined to it, as {@link InternalRowTransformer} does
 * for vectors. An imputed cell is the input's own cell where present and the decoder's most likely
 * value, converted to Spark's internal form, where missing. The same outputs as TableTransformer.
 */
final class InternalTableTransformer implements FlatMapFunction<Iterator<InternalRow>, InternalRow>, Serializable {
    private static final long serialVersionUID = 1L;

    private final ExecutorModel model;
    private final TableRows reader;
    private final int[] fieldIndex;
    private final InternalCells[] cells;
    private final RowTransformer.Outputs outputs;
    private final boolean imputed;
    private final boolean columnScores;

    /**
     * @param fieldIndex where each of {@code reader.columns()} sits in the input rows
     * @param cells      how to read them there ({@link TableRows#internalCells}; their types are the training types)
     */
    InternalTableTransformer(ExecutorModel model, TableRows reader, int[] fieldIndex, InternalCells[] cells,
                             RowTransformer.Outputs outputs, boolean imputed, boolean columnScores) {
        this.model = model;
        this.reader = reader;
        this.fieldIndex = fieldIndex;
        this.cells = cells;
        this.outputs = outputs;
        this.imputed = imputed;
        this.columnScores = columnScores;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
        BatchInference<?> inference = new BatchInference<>(model, model.precision().kernels(), outputs)
                .withTableOutputs(imputed, columnScores);
        TableCodec codec = reader.codec();
        int features = codec.features().size();
        @SuppressWarnings("unchecked")
        Function1<Object, Object>[] toInternal = new Function1[features];
        for (int c = 0; c < features; c++) {
            toInternal[c] = CatalystTypeConverters.createToCatalystConverter(codec.column(c).type());
        }
        KeptRows kept = new KeptRows();
        VectorCells latentCell = inference.latentCell();
        VectorCells reconstructionCell = inference.reconstructionCell();
        int outputCells = inference.outputCells();
        Object[] appendedCells = new Object[outputCells + (imputed ? features : 0) + (columnScores ? 1 : 0)];
        GenericInternalRow appended = new GenericInternalRow(appendedCells);
        JoinedRow joined = new JoinedRow();
        return new BatchedRows<InternalRow, InternalRow>(input, inference) {
            private VectorCells scoresCell;

            @Override
            boolean read(InternalRow row, RowPlace where, double[] into) {
                return reader.read(row, fieldIndex, cells, where, into);
            }

            @Override
            InternalRow keep(InternalRow row, int position) {
                return kept.keep(row, position);
            }

            @Override
            InternalRow emit(InternalRow row, int j) {
                inference.appendInternalOutputs(j, appendedCells, latentCell, reconstructionCell);
                int at = outputCells;
                if (imputed) {
                    double[] mean = inference.reconstruction(j);
                    for (int c = 0; c < features; c++) {
                        TableColumn column = codec.column(c);
                        int field = fieldIndex[c];
                        appendedCells[at++] = cells[c].isMissing(row, field)
                                ? toInternal[c].apply(column.value(mean, codec.offset(c)))
                                : row.get(field, column.type());
                    }
                }
                if (columnScores) {
                    double[] scores = inference.columnScores(j);
                    if (scoresCell == null) {
                        scoresCell = new VectorCells(scores.length);
                    }
                    appendedCells[at] = scoresCell.fill(scores);
                }
                return joined.apply(row, appended);
            }
        };
    }
}
