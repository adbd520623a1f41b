package io.github.vaespark.table;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One column's cells read straight from Spark's internal rows, by the column's type in those rows:
 * no {@code Row}, boxed number or {@code String} per cell, which is what reading a large table
 * through {@code Dataset.toJavaRDD()} mostly cost. Numbers come out in {@link TemporalValues}' units
 * (the same doubles as {@code TemporalValues.toNumber} of the external value), strings as Spark's
 * {@code UTF8String}, and {@link #external} gives a categorical cell's external value where one is
 * needed (numbers coded as categories, error messages).
 */
public final class InternalCells implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataType type;
    private final Storage storage;

    private InternalCells(DataType type) {
        this.type = type;
        this.storage = Storage.of(type);
    }

    /**
     * Cells of a column of {@code type} read as {@code kind}, or null if that type is not one a
     * column of that kind holds (the caller then reads external rows, whose errors name the value).
     */
    public static InternalCells of(DataType type, ColumnKind kind) {
        boolean numeric = isNumber(type);
        boolean fits = switch (kind) {
            case CONTINUOUS -> numeric || TemporalValues.isTemporal(type);
            case CATEGORICAL -> numeric || type instanceof StringType;
            case BINARY -> type instanceof BooleanType;
        };
        return fits ? new InternalCells(type) : null;
    }

    private static boolean isNumber(DataType type) {
        Storage storage = Storage.of(type);
        return storage != Storage.DAYS && storage != Storage.MICROS && storage != Storage.OTHER;
    }

    /** Whether the cells are strings (categorical levels as they are). */
    public boolean strings() {
        return type instanceof StringType;
    }

    /** Whether the cell is missing: null, or NaN in a floating column. */
    public boolean isMissing(InternalRow row, int ordinal) {
        if (row.isNullAt(ordinal)) {
            return true;
        }
        return switch (storage) {
            case DOUBLE -> Double.isNaN(row.getDouble(ordinal));
            case FLOAT -> Float.isNaN(row.getFloat(ordinal));
            default -> false;
        };
    }

    /** Whether a present cell is an infinite double (a double column coded as categories skips those). */
    public boolean infiniteDouble(InternalRow row, int ordinal) {
        return storage == Storage.DOUBLE && Double.isInfinite(row.getDouble(ordinal));
    }

    /** A present numeric, date or timestamp cell as a number: days for dates, seconds for timestamps. */
    public double number(InternalRow row, int ordinal) {
        return switch (storage) {
            case DOUBLE -> row.getDouble(ordinal);
            case FLOAT -> row.getFloat(ordinal);
            case LONG -> row.getLong(ordinal);
            case INT, DAYS -> row.getInt(ordinal);
            case SHORT -> row.getShort(ordinal);
            case BYTE -> row.getByte(ordinal);
            case MICROS -> TemporalValues.secondsOfMicros(row.getLong(ordinal));
            // BigDecimal.doubleValue rounds correctly; Spark's Decimal.toDouble divides and may not.
            case DECIMAL -> row.getDecimal(ordinal, ((DecimalType) type).precision(), ((DecimalType) type).scale())
                    .toJavaBigDecimal().doubleValue();
            case OTHER -> throw new IllegalStateException(type.simpleString() + " is not a number");
        };
    }

    /** How a type's cells are stored in an internal row, for {@link #number}. */
    private enum Storage {
        DOUBLE, FLOAT, LONG, INT, SHORT, BYTE, DAYS, MICROS, DECIMAL, OTHER;

        static Storage of(DataType type) {
            return type instanceof DoubleType ? DOUBLE : type instanceof FloatType ? FLOAT
                    : type instanceof LongType ? LONG : type instanceof IntegerType ? INT
                    : type instanceof ShortType ? SHORT : type instanceof ByteType ? BYTE
                    : type instanceof DateType ? DAYS
                    : type instanceof TimestampType || type instanceof TimestampNTZType ? MICROS
                    : type instanceof DecimalType ? DECIMAL : OTHER;
        }
    }

    /** A present boolean cell. */
    public boolean bool(InternalRow row, int ordinal) {
        return row.getBoolean(ordinal);
    }

    /** A present string cell, valid only until the row's iterator moves on (copy it to keep it). */
    public UTF8String string(InternalRow row, int ordinal) {
        return row.getUTF8String(ordinal);
    }

    /**
     * A present categorical cell — a string or a number — as an external {@code Row} holds it
     * (String, a boxed number, BigDecimal); for its level ({@code TableColumn.levelOf}) and error
     * messages.
     */
    public Object external(InternalRow row, int ordinal) {
        Object v = row.get(ordinal, type);
        if (v instanceof Decimal d) {
            return d.toJavaBigDecimal();
        }
        return v instanceof UTF8String s ? s.toString() : v;
    }
}
