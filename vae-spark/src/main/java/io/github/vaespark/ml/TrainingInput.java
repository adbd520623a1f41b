package io.github.vaespark.ml;

import io.github.vaespark.nn.Precision;
import io.github.vaespark.train.ExchangeMode;
import io.github.vaespark.train.TrainingData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns the features column (or the table columns) of a DataFrame into cached training blocks (and validation blocks
 * when a validation indicator column is set), validating every row on the way.
 */
final class TrainingInput {
    private TrainingInput() {
    }

    /** Rows of the features column, decoded and validated; null marks a skipped invalid row. */
    static JavaRDD<double[]> decode(Dataset<?> dataset, RowReader features, String indicatorCol,
                                    boolean validationRows) {
        List<Column> columns = new ArrayList<>();
        for (String c : features.columns()) {
            columns.add(functions.col(c));
        }
        int indicator = columns.size();
        if (!indicatorCol.isEmpty()) {
            columns.add(functions.col(indicatorCol));
        }
        JavaRDD<Row> rows = dataset.select(columns.toArray(new Column[0])).toJavaRDD();
        return rows.mapPartitionsWithIndex((partition, it) -> new Iterator<double[]>() {
            private long index;
            private double[] next;
            private boolean ready;

            @Override
            public boolean hasNext() {
                while (!ready && it.hasNext()) {
                    Row row = it.next();
                    String where = "row " + index + " of partition " + partition;
                    index++;
                    if (!indicatorCol.isEmpty()) {
                        if (row.isNullAt(indicator)) {
                            throw new InvalidInputException("Column '" + indicatorCol + "' " + where
                                    + " is null; the validation indicator must be true or false.");
                        }
                        if (row.getBoolean(indicator) != validationRows) {
                            continue;
                        }
                    }
                    double[] values = new double[features.dim()];
                    next = features.read(row, where, values) ? values : null;
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
        }, true);
    }

    /**
     * Decodes, blocks and caches the chosen rows (MEMORY_AND_DISK), for training with
     * {@code exchangeMode} (see {@link TrainingData#cache}).
     */
    static TrainingData cache(Dataset<?> dataset, RowReader features, String indicatorCol, boolean validationRows,
                              Precision precision, int maxPartitions, ExchangeMode exchangeMode, String name) {
        return TrainingData.cache(decode(dataset, features, indicatorCol, validationRows), features.dim(),
                precision, maxPartitions, exchangeMode, StorageLevel.MEMORY_AND_DISK(), name);
    }
}
