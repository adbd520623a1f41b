package io.github.vaespark.ml;

import io.github.vaespark.table.InternalCells;
import io.github.vaespark.table.TableCodec;
import io.github.vaespark.table.TableColumn;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * Reads table rows into data vectors with a {@link TableCodec}: the feature columns, then the
 * condition columns (or only the conditions, for conditional sampling). Unseen levels and
 * infinite numbers are invalid (an error naming column and row, or the row is skipped);
 * missing values are data, never invalid.
 */
final class TableRows implements RowReader {
    private static final long serialVersionUID = 1L;

    private final TableCodec codec;
    private final boolean conditionsOnly;
    private final boolean skipInvalid;

    TableRows(TableCodec codec, boolean conditionsOnly, boolean skipInvalid) {
        this.codec = codec;
        this.conditionsOnly = conditionsOnly;
        this.skipInvalid = skipInvalid;
    }

    TableCodec codec() {
        return codec;
    }

    @Override
    public List<String> columns() {
        List<String> names = new ArrayList<>();
        if (!conditionsOnly) {
            names.addAll(codec.featureNames());
        }
        names.addAll(codec.conditionNames());
        return names;
    }

    @Override
    public int dim() {
        return conditionsOnly ? codec.conditionDim() : codec.featureDim() + codec.conditionDim();
    }

    @Override
    public boolean read(Row row, RowPlace where, double[] out) {
        return read(row, null, where, out);
    }

    /**
     * How to read {@link #columns()} from internal rows whose field k, of type {@code types[k]},
     * is column k; null if some column's type is not one its kind holds (then read Rows, whose
     * errors say what the value is).
     */
    InternalCells[] internalCells(DataType[] types) {
        int first = conditionsOnly ? codec.features().size() : 0;
        InternalCells[] cells = new InternalCells[codec.columnCount() - first];
        for (int k = 0; k < cells.length; k++) {
            cells[k] = InternalCells.of(types[k], codec.column(first + k).kind());
            if (cells[k] == null) {
                return null;
            }
        }
        return cells;
    }

    /**
     * As {@link #read(Row, RowPlace, double[])} for an internal row holding column k of
     * {@link #columns()} at field k, read by {@code cells[k]} (the same values, without a Row).
     */
    boolean read(InternalRow row, InternalCells[] cells, RowPlace where, double[] out) {
        return read(row, null, cells, where, out);
    }

    /**
     * As {@link #read(InternalRow, InternalCells[], RowPlace, double[])} for a row that holds column
     * k of {@link #columns()} at field {@code fieldIndex[k]} (null: at field k).
     */
    boolean read(InternalRow row, int[] fieldIndex, InternalCells[] cells, RowPlace where, double[] out) {
        int first = conditionsOnly ? codec.features().size() : 0;
        int base = conditionsOnly ? codec.featureDim() : 0;
        for (int i = first; i < codec.columnCount(); i++) {
            TableColumn column = codec.column(i);
            int k = i - first;
            try {
                column.encode(row, fieldIndex == null ? k : fieldIndex[k], cells[k], out, codec.offset(i) - base);
            } catch (TableColumn.InvalidValueException e) {
                if (skipInvalid) {
                    return false;
                }
                throw invalid(column, where, e.getMessage());
            }
        }
        return true;
    }

    private static InvalidInputException invalid(TableColumn column, RowPlace where, String problem) {
        return new InvalidInputException("Column '" + column.name() + "' " + where + " " + problem
                + " (handleInvalid=skip drops such rows).");
    }

    /**
     * As {@link #read(Row, RowPlace, double[])} for a row that holds column k of {@link #columns()} at
     * field {@code fieldIndex[k]} (null: at field k).
     */
    boolean read(Row row, int[] fieldIndex, RowPlace where, double[] out) {
        int first = conditionsOnly ? codec.features().size() : 0;
        int base = conditionsOnly ? codec.featureDim() : 0;
        for (int i = first; i < codec.columnCount(); i++) {
            TableColumn column = codec.column(i);
            Object value = row.get(fieldIndex == null ? i - first : fieldIndex[i - first]);
            try {
                column.encode(value, out, codec.offset(i) - base);
            } catch (TableColumn.InvalidValueException | ClassCastException e) {
                if (skipInvalid) {
                    return false;
                }
                String problem = e instanceof ClassCastException ? "holds a " + value.getClass()
                        .getSimpleName() + " where the model expects " + column.type().simpleString() : e.getMessage();
                throw invalid(column, where, problem);
            }
        }
        return true;
    }
}
