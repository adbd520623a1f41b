package io.github.vaespark.ml;

import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code transform} of a table model: each row's input (and condition) columns are encoded, the
 * batch runs through the model with GEMM, and the row gets the usual outputs followed by the
 * imputed columns (the input value where present, the decoder's most likely value where missing)
 * and the per-column scores. Serves batch and streaming DataFrames.
 */
final class TableTransformer implements MapPartitionsFunction<Row, Row>, Serializable {
    private static final long serialVersionUID = 1L;

    private final ExecutorModel model;
    private final TableRows reader;
    private final int[] fieldIndex;
    private final RowTransformer.Outputs outputs;
    private final boolean imputed;
    private final boolean columnScores;

    /**
     * @param fieldIndex where each of {@code reader.columns()} sits in the input rows
     */
    TableTransformer(ExecutorModel model, TableRows reader, int[] fieldIndex, RowTransformer.Outputs outputs,
                     boolean imputed, boolean columnScores) {
        this.model = model;
        this.reader = reader;
        this.fieldIndex = fieldIndex;
        this.outputs = outputs;
        this.imputed = imputed;
        this.columnScores = columnScores;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        BatchInference<?> inference = new BatchInference<>(model, model.precision().kernels(), outputs)
                .withTableOutputs(imputed, columnScores);
        TableCodec codec = reader.codec();
        int features = codec.features().size();
        return new BatchedRows<Row, Row>(input, inference) {
            @Override
            boolean read(Row row, RowPlace where, double[] into) {
                return reader.read(row, fieldIndex, where, into);
            }

            @Override
            Row keep(Row row, int position) {
                return row;
            }

            @Override
            Row emit(Row row, int j) {
                int extra = inference.outputCells() + (imputed ? features : 0) + (columnScores ? 1 : 0);
                Object[] cells = new Object[row.length() + extra];
                for (int c = 0; c < row.length(); c++) {
                    cells[c] = row.get(c);
                }
                int at = row.length();
                inference.appendOutputs(j, cells, at);
                at += inference.outputCells();
                if (imputed) {
                    double[] mean = inference.reconstruction(j);
                    for (int c = 0; c < features; c++) {
                        Object value = row.get(fieldIndex[c]);
                        TableColumn column = codec.column(c);
                        cells[at++] = TableColumn.isMissing(value) ? column.value(mean, codec.offset(c)) : value;
                    }
                }
                if (columnScores) {
                    cells[at] = new DenseVector(inference.columnScores(j));
                }
                return RowFactory.create(cells);
            }
        };
    }
}
