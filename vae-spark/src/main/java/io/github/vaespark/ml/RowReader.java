package io.github.vaespark.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reads the data vector of a row: from one vector column ({@link FeatureColumn}) or from table
 * columns ({@link TableRows}). The row holds {@link #columns()} as its first fields, in order.
 */
interface RowReader extends Serializable {

    /** The columns to select, in the order {@link #read} expects them. */
    List<String> columns();

    /** Length of the data vector. */
    int dim();

    /**
     * Reads the row's data vector into {@code out}; false when the row is invalid and invalid rows
     * are skipped (otherwise an {@link InvalidInputException} naming the column and {@code where}).
     */
    boolean read(Row row, RowPlace where, double[] out);
}
