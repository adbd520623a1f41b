package io.github.vaespark.table;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Date and timestamp columns as the continuous numbers a table model learns, and back: a date is
 * its day count since 1970-01-01, a timestamp its seconds since the epoch (an instant, so the
 * session time zone does not matter; generated timestamps keep microsecond resolution, as Spark's),
 * a {@code timestamp_ntz} (a local date-time without zone) its seconds since 1970-01-01T00:00 on the
 * same clock (no zone applied either way, so no daylight-saving gap or overlap).
 * Rows may hold either of Spark's external forms ({@code java.sql.Date}/{@code LocalDate},
 * {@code java.sql.Timestamp}/{@code Instant}; {@code LocalDateTime} for {@code timestamp_ntz});
 * values made here are {@code LocalDate}, {@code Instant} and {@code LocalDateTime}, which the
 * model's row encoders accept whatever {@code spark.sql.datetime.java8API.enabled} says.
 */
public final class TemporalValues {
    private static final double MICROS_PER_SECOND = 1e6;

    private TemporalValues() {
    }

    /** Whether a table model reads columns of this type as dates or timestamps. */
    public static boolean isTemporal(DataType type) {
        return type instanceof DateType || type instanceof TimestampType || type instanceof TimestampNTZType;
    }

    /**
     * A present value of a continuous column as a number: numbers as they are, dates in days,
     * timestamps (with or without zone) in seconds.
     *
     * @throws ClassCastException for any other object
     */
    public static double toNumber(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof LocalDate d) {
            return d.toEpochDay();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().toEpochDay();
        }
        if (value instanceof Instant t) {
            return seconds(t);
        }
        if (value instanceof Timestamp t) {
            return seconds(t.toInstant());
        }
        if (value instanceof LocalDateTime t) {
            return seconds(t.toInstant(ZoneOffset.UTC));
        }
        throw new ClassCastException(value.getClass().getName() + " is neither a number, a date nor a timestamp");
    }

    private static double seconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /**
     * Seconds of a timestamp stored as microseconds since the epoch (Spark's internal form, with or
     * without zone): bit for bit {@link #seconds} of the Instant (or UTC-clock LocalDateTime) Spark makes of it.
     */
    static double secondsOfMicros(long micros) {
        return Math.floorDiv(micros, 1_000_000L) + Math.floorMod(micros, 1_000_000L) * 1_000L / 1e9;
    }

    /** The date (nearest day) or timestamp (nearest microsecond; with or without zone) of a modelled number. */
    public static Object fromNumber(double v, DataType type) {
        if (type instanceof DateType) {
            return LocalDate.ofEpochDay(Math.round(v));
        }
        if (type instanceof TimestampType || type instanceof TimestampNTZType) {
            long micros = Math.round(v * MICROS_PER_SECOND);
            Instant t = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            return type instanceof TimestampType ? t : LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        }
        throw new IllegalArgumentException(type.simpleString() + " is not a date or timestamp type");
    }

    /**
     * A numeric, date or timestamp column as a double in the units of {@link #toNumber}: numbers as
     * they are, days for a date, seconds for a timestamp (a {@code timestamp_ntz}'s counted from
     * 1970-01-01T00:00 on its own clock, without the session time zone).
     */
    public static Column asNumber(Column c, DataType type) {
        if (type instanceof DateType) {
            return functions.unix_date(c).cast(DataTypes.DoubleType);
        }
        if (type instanceof TimestampType) {
            return functions.unix_micros(c).cast(DataTypes.DoubleType).divide(MICROS_PER_SECOND);
        }
        if (type instanceof TimestampNTZType) {
            // The difference of two zone-less timestamps is zone-less too (functions such as
            // timestamp_diff and unix_micros would cast through the session time zone).
            return c.minus(functions.lit(LocalDateTime.of(1970, 1, 1, 0, 0)))
                    .cast(DataTypes.createDayTimeIntervalType(DayTimeIntervalType.SECOND(), DayTimeIntervalType.SECOND()))
                    .cast(DataTypes.createDecimalType(38, 6)).cast(DataTypes.DoubleType);
        }
        if (type instanceof NumericType) {
            return c.cast(DataTypes.DoubleType);
        }
        throw new IllegalArgumentException(type.simpleString() + " is not a numeric, date or timestamp type");
    }
}
