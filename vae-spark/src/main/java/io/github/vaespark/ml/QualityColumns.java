package io.github.vaespark.ml;

import io.github.vaespark.table.ColumnRef;
import io.github.vaespark.table.TemporalValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a quality comparison looks at, checked against both tables, with their kinds
 * (numeric = continuous unless named categorical, dates in days and timestamps in seconds too;
 * string and boolean = categorical), and both
 * tables stacked in one normalised form: a side column (0 real, 1 synthetic) and one column
 * {@code c<i>} per compared column, a double for continuous columns and a string for categorical
 * ones, NaN turned into null so that null means "missing" everywhere.
 */
final class QualityColumns {
    static final String SIDE = "side";
    static final int REAL = 0;
    static final int SYNTHETIC = 1;

    private final List<String> names;
    private final boolean[] categorical;
    private final DataType[] realTypes;

    private QualityColumns(List<String> names, boolean[] categorical, DataType[] realTypes) {
        this.names = names;
        this.categorical = categorical;
        this.realTypes = realTypes;
    }

    /** Checks the columns (empty: all columns of {@code real}) and decides their kinds. */
    static QualityColumns resolve(StructType real, StructType synthetic, String[] columns, String[] categoricalCols) {
        List<String> chosen = columns == null || columns.length == 0 ? Arrays.asList(real.fieldNames())
                : new ArrayList<>(new LinkedHashSet<>(Arrays.asList(columns)));
        Set<String> asCategorical = new LinkedHashSet<>(
                categoricalCols == null ? List.of() : Arrays.asList(categoricalCols));
        for (String c : asCategorical) {
            if (!chosen.contains(c)) {
                throw new InvalidInputException("Categorical column '" + c + "' is not among the compared columns "
                        + chosen);
            }
        }
        boolean[] categorical = new boolean[chosen.size()];
        DataType[] types = new DataType[chosen.size()];
        for (int i = 0; i < chosen.size(); i++) {
            String name = chosen.get(i);
            DataType r = field(real, name, "real").dataType();
            DataType s = field(synthetic, name, "synthetic").dataType();
            String kind = kind(r);
            if (kind == null) {
                throw new InvalidInputException("Column '" + name + "' has type " + r.simpleString()
                        + ", which cannot be compared: use numeric, date, timestamp, string or boolean columns");
            }
            if (!kind.equals(kind(s))) {
                throw new InvalidInputException("Column '" + name + "' is " + r.simpleString()
                        + " in the real table but " + s.simpleString() + " in the synthetic table");
            }
            categorical[i] = !(kind.equals("numeric") || TemporalValues.isTemporal(r)) || asCategorical.contains(name);
            types[i] = r;
        }
        return new QualityColumns(List.copyOf(chosen), categorical, types);
    }

    private static StructField field(StructType schema, String name, String table) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new InvalidInputException("Column '" + name + "' is missing from the " + table + " table, whose columns are "
                + Arrays.toString(schema.fieldNames()));
    }

    private static String kind(DataType type) {
        if (type instanceof NumericType) {
            return "numeric";
        }
        if (TemporalValues.isTemporal(type)) {
            return type.typeName();
        }
        if (type instanceof StringType) {
            return "string";
        }
        if (type instanceof BooleanType) {
            return "boolean";
        }
        return null;
    }

    /** The compared column names, in order. */
    List<String> names() {
        return names;
    }

    int size() {
        return names.size();
    }

    boolean categorical(int i) {
        return categorical[i];
    }

    /** The name of column i in the normalised table. */
    static String normalisedName(int i) {
        return "c" + i;
    }

    /** Both tables stacked in the normalised form described on the class. */
    Dataset<Row> normalise(Dataset<Row> real, Dataset<Row> synthetic) {
        return project(real, REAL).unionAll(project(synthetic, SYNTHETIC));
    }

    private Dataset<Row> project(Dataset<Row> table, int side) {
        List<Column> out = new ArrayList<>();
        out.add(functions.lit(side).as(SIDE));
        for (int i = 0; i < names.size(); i++) {
            out.add(normalised(table.col(ColumnRef.quote(names.get(i))), i).as(normalisedName(i)));
        }
        return table.select(out.toArray(new Column[0]));
    }

    private Column normalised(Column c, int i) {
        if (realTypes[i] instanceof NumericType || TemporalValues.isTemporal(realTypes[i])) {
            Column d = TemporalValues.asNumber(c, realTypes[i]);
            Column present = functions.when(functions.isnan(d), functions.lit(null).cast(DataTypes.DoubleType))
                    .otherwise(d);
            return categorical[i] ? present.cast(DataTypes.StringType) : present;
        }
        return c.cast(DataTypes.StringType);
    }

}
