package io.github.vaespark.table;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * One column's cells read straight from Spark's internal rows, by the column's type in those rows:
 * no {@code Row}, boxed number or {@code String} per cell, which is what reading a large table
 * through {@code Dataset.toJavaRDD()} mostly cost. Numbers come out in {@link TemporalValues}' units
 * (the same doubles as {@code TemporalValues.toNumber} of the external value), strings as Spark's
 * {@code UTF8String}, and {@link #external} gives the external value where one is needed (numbers
 * coded as categories, error messages).
 */
public final class InternalCells implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DataType type;
    private final boolean floating;

    private InternalCells(DataType type) {
        this.type = type;
        this.floating = type instanceof DoubleType || type instanceof FloatType;
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
        return type instanceof DoubleType || type instanceof FloatType || type instanceof LongType
                || type instanceof IntegerType || type instanceof ShortType || type instanceof ByteType
                || type instanceof DecimalType;
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
        if (floating) {
            return type instanceof DoubleType ? Double.isNaN(row.getDouble(ordinal)) : Float.isNaN(row.getFloat(ordinal));
        }
        return false;
    }

    /** Whether a present cell is an infinite double (a double column coded as categories skips those). */
    public boolean infiniteDouble(InternalRow row, int ordinal) {
        return type instanceof DoubleType && Double.isInfinite(row.getDouble(ordinal));
    }

    /** A present numeric, date or timestamp cell as a number: days for dates, seconds for timestamps. */
    public double number(InternalRow row, int ordinal) {
        if (type instanceof DoubleType) {
            return row.getDouble(ordinal);
        }
        if (type instanceof FloatType) {
            return row.getFloat(ordinal);
        }
        if (type instanceof LongType) {
            return row.getLong(ordinal);
        }
        if (type instanceof IntegerType) {
            return row.getInt(ordinal);
        }
        if (type instanceof ShortType) {
            return row.getShort(ordinal);
        }
        if (type instanceof ByteType) {
            return row.getByte(ordinal);
        }
        if (type instanceof DateType) {
            return row.getInt(ordinal);
        }
        if (type instanceof TimestampType || type instanceof TimestampNTZType) {
            long micros = row.getLong(ordinal);
            // As TemporalValues.seconds of the Instant (or UTC-clock LocalDateTime) Spark would make: bit for bit.
            return Math.floorDiv(micros, 1_000_000L) + Math.floorMod(micros, 1_000_000L) * 1_000L / 1e9;
        }
        if (type instanceof DecimalType d) {
            // BigDecimal.doubleValue rounds correctly; Spark's Decimal.toDouble divides and may not.
            return row.getDecimal(ordinal, d.precision(), d.scale()).toJavaBigDecimal().doubleValue();
        }
        throw new IllegalStateException(type.simpleString() + " is not a number");
    }

    /** A present boolean cell. */
    public boolean bool(InternalRow row, int ordinal) {
        return row.getBoolean(ordinal);
    }

    /** A present string cell, valid only until the row's iterator moves on (copy it to keep it). */
    public org.apache.spark.unsafe.types.UTF8String string(InternalRow row, int ordinal) {
        return row.getUTF8String(ordinal);
    }

    /**
     * A present cell as an external {@code Row} would hold it with the Java 8 time API (boxed
     * numbers, BigDecimal, String, Boolean, LocalDate, Instant, LocalDateTime).
     */
    public Object external(InternalRow row, int ordinal) {
        if (type instanceof StringType) {
            return row.getUTF8String(ordinal).toString();
        }
        if (type instanceof BooleanType) {
            return row.getBoolean(ordinal);
        }
        if (type instanceof DoubleType) {
            return row.getDouble(ordinal);
        }
        if (type instanceof FloatType) {
            return row.getFloat(ordinal);
        }
        if (type instanceof LongType) {
            return row.getLong(ordinal);
        }
        if (type instanceof IntegerType) {
            return row.getInt(ordinal);
        }
        if (type instanceof ShortType) {
            return row.getShort(ordinal);
        }
        if (type instanceof ByteType) {
            return row.getByte(ordinal);
        }
        if (type instanceof DecimalType d) {
            return row.getDecimal(ordinal, d.precision(), d.scale()).toJavaBigDecimal();
        }
        if (type instanceof DateType) {
            return LocalDate.ofEpochDay(row.getInt(ordinal));
        }
        long micros = row.getLong(ordinal);
        Instant t = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        return type instanceof TimestampType ? t : LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
