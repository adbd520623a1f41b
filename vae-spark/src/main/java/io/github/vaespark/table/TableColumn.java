package io.github.vaespark.table;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One input column of a table model as learned in training: its name and Spark type, its
 * {@link ColumnKind}, and what the model needs to encode and decode its values — the levels of a
 * categorical column (most frequent first), the {@link ContinuousScale} of a continuous one, and the
 * share of missing values (null, or NaN in floating columns) seen in training. Dates and
 * timestamps are continuous, as numbers ({@link TemporalValues}).
 *
 * <p>Encoded width: continuous 2 (the normalised value, the missing indicator), binary 2 (0/1,
 * the missing indicator), categorical levels + 1 (one-hot, the missing indicator). A missing value
 * encodes as zeros with the indicator set.
 */
public final class TableColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final DataType type;
    private final ColumnKind kind;
    private final List<String> levels;
    private final ContinuousScale scale;
    private final double missingRate;
    private transient Map<String, Integer> levelIndex;
    private transient Map<UTF8String, Integer> utf8LevelIndex;

    public TableColumn(String name, DataType type, ColumnKind kind, List<String> levels, ContinuousScale scale,
                       double missingRate) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.levels = levels == null ? List.of() : List.copyOf(levels);
        this.scale = scale;
        this.missingRate = missingRate;
        if (kind == ColumnKind.CATEGORICAL && this.levels.isEmpty()) {
            throw new IllegalArgumentException("Categorical column '" + name + "' has no levels");
        }
        if (kind == ColumnKind.CONTINUOUS && scale == null) {
            throw new IllegalArgumentException("Continuous column '" + name + "' has no scale");
        }
    }

    public String name() {
        return name;
    }

    /** The Spark type of the column in training (and of generated and imputed values). */
    public DataType type() {
        return type;
    }

    public ColumnKind kind() {
        return kind;
    }

    /** Levels of a categorical column as strings, most frequent in training first. */
    public List<String> levels() {
        return levels;
    }

    /** The normalisation of a continuous column, else null. */
    public ContinuousScale scale() {
        return scale;
    }

    /** Share of rows with a missing value in training. */
    public double missingRate() {
        return missingRate;
    }

    /** Entries of the encoded vector. */
    public int width() {
        return kind == ColumnKind.CATEGORICAL ? levels.size() + 1 : 2;
    }

    /** Whether continuous values are whole numbers (byte, short, int, long; decimals of scale 0; dates' days). */
    public boolean integral() {
        return type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
                || type instanceof LongType || (type instanceof DecimalType d && d.scale() == 0)
                || type instanceof DateType;
    }

    /** The level string of a non-null value (numbers coded as categories: their plain decimal form). */
    static String levelOf(Object value) {
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
        return value.toString();
    }

    /** Index of a level, or -1 if it was not seen in training. */
    public int levelIndex(String level) {
        if (levelIndex == null) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < levels.size(); i++) {
                index.put(levels.get(i), i);
            }
            levelIndex = index;
        }
        return levelIndex.getOrDefault(level, -1);
    }

    /** Index of a level given as Spark's internal string, or -1 if it was not seen in training. */
    int levelIndex(UTF8String level) {
        if (utf8LevelIndex == null) {
            Map<UTF8String, Integer> index = new HashMap<>();
            for (int i = 0; i < levels.size(); i++) {
                index.put(UTF8String.fromString(levels.get(i)), i);
            }
            utf8LevelIndex = index;
        }
        return utf8LevelIndex.getOrDefault(level, -1);
    }

    /** Whether {@code value} (from a row) counts as missing: null, or NaN in a floating column. */
    public static boolean isMissing(Object value) {
        return value == null || (value instanceof Double d && d.isNaN()) || (value instanceof Float f && f.isNaN());
    }

    /**
     * Writes the encoding of {@code value} at {@code out[offset …]}.
     *
     * @throws InvalidValueException for an unseen level or an infinite number, with the reason
     */
    public void encode(Object value, double[] out, int offset) {
        int w = width();
        java.util.Arrays.fill(out, offset, offset + w, 0);
        if (isMissing(value)) {
            out[offset + w - 1] = 1;
            return;
        }
        switch (kind) {
            case CONTINUOUS -> {
                double v = TemporalValues.toNumber(value);  // a decimal's BigDecimal, a date, a timestamp included
                out[offset] = scale.forward(finite(v));
            }
            case BINARY -> out[offset] = ((Boolean) value) ? 1 : 0;
            case CATEGORICAL -> {
                int i = levelIndex(levelOf(value));
                if (i < 0) {
                    throw unseen(levelOf(value));
                }
                out[offset + i] = 1;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /**
     * As {@link #encode(Object, double[], int)} for the cell at {@code ordinal} of an internal row,
     * read by {@code cells} (the same encoding as of the external value).
     */
    public void encode(InternalRow row, int ordinal, InternalCells cells, double[] out, int offset) {
        int w = width();
        java.util.Arrays.fill(out, offset, offset + w, 0);
        if (cells.isMissing(row, ordinal)) {
            out[offset + w - 1] = 1;
            return;
        }
        switch (kind) {
            case CONTINUOUS -> {
                double v = cells.number(row, ordinal);
                out[offset] = scale.forward(finite(v));
            }
            case BINARY -> out[offset] = cells.bool(row, ordinal) ? 1 : 0;
            case CATEGORICAL -> {
                int i = cells.strings() ? levelIndex(cells.string(row, ordinal))
                        : levelIndex(levelOf(cells.external(row, ordinal)));
                if (i < 0) {
                    throw unseen(levelOf(cells.external(row, ordinal)));
                }
                out[offset + i] = 1;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static double finite(double v) {
        if (Double.isInfinite(v)) {
            throw new InvalidValueException("holds " + v + "; only finite numbers (or null/NaN for missing) are accepted");
        }
        return v;
    }

    private InvalidValueException unseen(String level) {
        return new InvalidValueException("holds '" + level + "', a level not seen in training (" + levels.size()
                + " levels)");
    }

    /**
     * The column value of a decoded or drawn encoding at {@code in[offset …]}: null when the missing
     * indicator is above ½ (never for a column that had no missing values in training), else the
     * value in the column's type (the most likely level of a categorical column, the nearest whole
     * number within the training range of an integral one).
     */
    public Object decode(double[] in, int offset) {
        int w = width();
        if (missingRate > 0 && in[offset + w - 1] > 0.5) {
            return null;
        }
        return value(in, offset);
    }

    /** As {@link #decode} but ignoring the missing indicator (an imputation). */
    public Object value(double[] in, int offset) {
        return switch (kind) {
            case CONTINUOUS -> number(scale.inverse(in[offset]));
            case BINARY -> in[offset] > 0.5;
            case CATEGORICAL -> {
                int best = 0;
                for (int i = 1; i < levels.size(); i++) {
                    if (in[offset + i] > in[offset + best]) {
                        best = i;
                    }
                }
                yield parseLevel(levels.get(best));
            }
        };
    }

    /** A modelled number in the column's Spark type: whole for integral types, within the training range. */
    Object number(double v) {
        if (integral()) {
            v = Math.min(scale.max(), Math.max(scale.min(), Math.rint(v)));
        }
        return cast(v);
    }

    private Object cast(double v) {
        if (type instanceof DoubleType) {
            return v;
        }
        if (type instanceof FloatType) {
            return (float) v;
        }
        if (type instanceof LongType) {
            return (long) v;
        }
        if (type instanceof IntegerType) {
            return (int) v;
        }
        if (type instanceof ShortType) {
            return (short) v;
        }
        if (type instanceof ByteType) {
            return (byte) v;
        }
        if (type instanceof DecimalType d) {
            return BigDecimal.valueOf(v).setScale(d.scale(), RoundingMode.HALF_EVEN);
        }
        if (TemporalValues.isTemporal(type)) {
            return TemporalValues.fromNumber(v, type);
        }
        throw new IllegalStateException("Column '" + name + "' of type " + type.simpleString() + " is not numeric");
    }

    /** A level string back in the column's type. */
    Object parseLevel(String level) {
        if (type instanceof StringType) {
            return level;
        }
        if (type instanceof BooleanType) {
            return Boolean.parseBoolean(level);
        }
        if (type instanceof DecimalType d) {
            return new BigDecimal(level).setScale(d.scale(), RoundingMode.HALF_EVEN);
        }
        return cast(Double.parseDouble(level));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableColumn c && name.equals(c.name) && type.equals(c.type) && kind == c.kind
                && levels.equals(c.levels) && Objects.equals(scale, c.scale)
                && Double.compare(missingRate, c.missingRate) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, kind, levels, scale, missingRate);
    }

    @Override
    public String toString() {
        return name + " (" + type.simpleString() + ", " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + (kind == ColumnKind.CATEGORICAL ? ", " + levels.size() + " levels" : "")
                + (scale != null ? ", " + scale.method() + " scaling" : "") + ")";
    }

    /** An invalid value; the message says what is wrong, the caller adds the column and row. */
    public static final class InvalidValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidValueException(String message) {
            super(message);
        }
    }
}
