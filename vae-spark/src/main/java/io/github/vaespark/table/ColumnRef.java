package io.github.vaespark.table;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * A DataFrame column by its exact name. {@code functions.col("body.mass")} would read a field
 * {@code mass} of a struct {@code body}; a table's column names (from a CSV header, say) may hold
 * dots, spaces or backticks, so every column a user names is referred to through here.
 */
public final class ColumnRef {
    private ColumnRef() {
    }

    /** The column named exactly {@code name}. */
    public static Column of(String name) {
        return functions.col(quote(name));
    }

    /** {@code name} in backticks (its backticks doubled): Spark then takes dots and spaces in it literally. */
    public static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
