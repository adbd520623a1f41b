package io.github.vaespark.ml;

import io.github.vaespark.nn.Precision;
import io.github.vaespark.table.ColumnRef;
import io.github.vaespark.table.InternalCells;
import io.github.vaespark.train.ExchangeMode;
import io.github.vaespark.train.TrainingData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns the features column (or the table columns) of a DataFrame into cached training blocks (and validation blocks
 * when a validation indicator column is set), validating every row on the way.
 */
final class TrainingInput {
    private TrainingInput() {
    }

    /**
     * Rows of the features column, decoded and validated; null marks a skipped invalid row. A
     * features column and table columns are read from Spark's internal rows (no Row, vector, boxed
     * number or String per row, no deserializer to generate); table columns of types their kinds
     * do not hold from Rows, whose errors name the value.
     *
     * @param reuseArray if set, a partition's rows are all decoded into one array, valid until the
     *                   iterator's next call (for a consumer that copies each row at once: no
     *                   allocation per row, so caching a large set triggers far fewer collections)
     */
    static JavaRDD<double[]> decode(Dataset<?> dataset, RowReader features, String indicatorCol,
                                    boolean validationRows, boolean reuseArray) {
        List<Column> columns = new ArrayList<>();
        for (String c : features.columns()) {
            columns.add(ColumnRef.of(c));
        }
        int indicator = indicatorCol.isEmpty() ? -1 : columns.size();
        if (indicator >= 0) {
            columns.add(ColumnRef.of(indicatorCol));
        }
        Dataset<Row> selected = dataset.select(columns.toArray(new Column[0]));
        InternalReader internal = internalReader(features, selected);
        if (internal != null) {
            JavaRDD<InternalRow> rows = selected.queryExecution().toRdd().toJavaRDD();
            return rows.mapPartitionsWithIndex((partition, it) -> new Decoded<InternalRow>(it, partition,
                    features.dim(), indicatorCol, validationRows, reuseArray) {
                @Override
                boolean read(InternalRow row, RowPlace where, double[] out) {
                    return internal.read(row, where, out);
                }

                @Override
                Boolean indicator(InternalRow row) {
                    return row.isNullAt(indicator) ? null : row.getBoolean(indicator);
                }
            }, true);
        }
        return selected.toJavaRDD().mapPartitionsWithIndex((partition, it) -> new Decoded<Row>(it, partition,
                features.dim(), indicatorCol, validationRows, reuseArray) {
            @Override
            boolean read(Row row, RowPlace where, double[] out) {
                return features.read(row, where, out);
            }

            @Override
            Boolean indicator(Row row) {
                return row.isNullAt(indicator) ? null : row.getBoolean(indicator);
            }
        }, true);
    }

    /** Reads a row's features from an internal row whose first fields are the reader's columns. */
    private interface InternalReader extends java.io.Serializable {
        boolean read(InternalRow row, RowPlace where, double[] out);
    }

    /** How to read {@code features} from {@code selected}'s internal rows, or null to read Rows. */
    private static InternalReader internalReader(RowReader features, Dataset<Row> selected) {
        if (features instanceof FeatureColumn column) {
            return (row, where, out) -> column.read(row, 0, where, out);
        }
        if (features instanceof TableRows table) {
            InternalCells[] cells = table.internalCells(java.util.Arrays.stream(selected.schema().fields())
                    .map(StructField::dataType).toArray(DataType[]::new));
            return cells == null ? null : (row, where, out) -> table.read(row, cells, where, out);
        }
        return null;
    }

    /** A partition's rows as decoded feature values: the training or the validation rows only, if chosen. */
    private abstract static class Decoded<R> implements Iterator<double[]> {
        private final Iterator<R> rows;
        private final RowPlace place;
        private final int dim;
        private final String indicatorCol;
        private final boolean hasIndicator;
        private final boolean validationRows;
        private final double[] shared;
        private long index;
        private double[] next;
        private boolean ready;

        /**
         * With {@code indicatorCol} empty every row is kept; else only those whose indicator equals
         * {@code validationRows}. With {@code reuseArray} every row is decoded into one array.
         */
        Decoded(Iterator<R> rows, int partition, int dim, String indicatorCol, boolean validationRows,
                boolean reuseArray) {
            this.rows = rows;
            this.place = new RowPlace(partition);
            this.dim = dim;
            this.indicatorCol = indicatorCol;
            this.hasIndicator = !indicatorCol.isEmpty();
            this.validationRows = validationRows;
            this.shared = reuseArray ? new double[dim] : null;
        }

        /** Reads the features into {@code out}; false for an invalid row that is skipped. */
        abstract boolean read(R row, RowPlace where, double[] out);

        /** The validation indicator, null when null. */
        abstract Boolean indicator(R row);

        @Override
        public boolean hasNext() {
            while (!ready && rows.hasNext()) {
                R row = rows.next();
                RowPlace where = place.at(index);
                index++;
                if (hasIndicator) {
                    Boolean validation = indicator(row);
                    if (validation == null) {
                        throw new InvalidInputException("Column '" + indicatorCol + "' " + where
                                + " is null; the validation indicator must be true or false.");
                    }
                    if (validation != validationRows) {
                        continue;
                    }
                }
                double[] values = shared != null ? shared : new double[dim];
                next = read(row, where, values) ? values : null;
                ready = true;
            }
            return ready;
        }

        @Override
        public double[] next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            ready = false;
            return next;
        }
    }

    /**
     * Decodes, blocks and caches the chosen rows (MEMORY_AND_DISK), for training with
     * {@code exchangeMode} (see {@link TrainingData#cache}).
     */
    static TrainingData cache(Dataset<?> dataset, RowReader features, String indicatorCol, boolean validationRows,
                              Precision precision, int maxPartitions, ExchangeMode exchangeMode, String name) {
        return TrainingData.cache(decode(dataset, features, indicatorCol, validationRows, true), features.dim(),
                precision, maxPartitions, exchangeMode, StorageLevel.MEMORY_AND_DISK(), name);
    }
}
