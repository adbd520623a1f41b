package io.github.vaespark.ml;

import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.table.ColumnRef;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import scala.collection.Seq;

/**
 * Reads and validates one features column: an ml {@code Vector} (dense or sparse),
 * {@code array<double>} or {@code array<float>}. A value is invalid if it is null, has the wrong
 * size, holds NaN or ±Inf, or (Bernoulli likelihood) lies outside [0, 1].
 */
final class FeatureColumn implements RowReader {
    private static final long serialVersionUID = 1L;

    /** The accepted SQL types. */
    enum Kind { VECTOR, DOUBLE_ARRAY, FLOAT_ARRAY }

    private final String name;
    private final Kind kind;
    private final int dim;
    private final boolean unitInterval;
    private final boolean skipInvalid;

    FeatureColumn(String name, Kind kind, int dim, Likelihood likelihood, boolean skipInvalid) {
        this.name = name;
        this.kind = kind;
        this.dim = dim;
        this.unitInterval = likelihood == Likelihood.BERNOULLI;
        this.skipInvalid = skipInvalid;
    }

    String name() {
        return name;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public List<String> columns() {
        return List.of(name);
    }

    @Override
    public boolean read(Row row, RowPlace where, double[] out) {
        return read(row, 0, where, out);
    }

    /** The kind of {@code column} in {@code schema}, or an error naming the column and its type. */
    static Kind kindOf(StructType schema, String column) {
        StructField field = field(schema, column);
        DataType type = field.dataType();
        if (type instanceof VectorUDT) {
            return Kind.VECTOR;
        }
        if (type instanceof ArrayType array) {
            if (array.elementType().equals(DataTypes.DoubleType)) {
                return Kind.DOUBLE_ARRAY;
            }
            if (array.elementType().equals(DataTypes.FloatType)) {
                return Kind.FLOAT_ARRAY;
            }
        }
        throw new InvalidInputException("Column '" + column + "' must be of type vector, array<double> or "
                + "array<float> but is " + type.simpleString() + ". Assemble numeric columns with VectorAssembler.");
    }

    /** The field named {@code column}, or an error listing the available columns. */
    static StructField field(StructType schema, String column) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(column)) {
                return f;
            }
        }
        throw new InvalidInputException("Column '" + column + "' does not exist. Available columns: "
                + String.join(", ", schema.fieldNames()));
    }

    /** The vector size recorded in the column's ML attribute metadata, or -1. */
    static int sizeFromMetadata(StructType schema, String column) {
        StructField f = field(schema, column);
        if (f.dataType() instanceof VectorUDT) {
            return AttributeGroup.fromStructField(f).size();
        }
        return -1;
    }

    /** The input size: from metadata, else from the first non-null value (one small Spark job). */
    static int inferDim(Dataset<?> dataset, String column) {
        int fromMetadata = sizeFromMetadata(dataset.schema(), column);
        if (fromMetadata > 0) {
            return fromMetadata;
        }
        List<Row> first = dataset.select(ColumnRef.of(column)).where(ColumnRef.of(column).isNotNull())
                .limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new InvalidInputException("Column '" + column + "' has no non-null values: cannot fit a "
                    + "VariationalAutoencoder on an empty dataset.");
        }
        Object value = first.get(0).get(0);
        int size = value instanceof Vector v ? v.size() : ((Seq<?>) value).size();
        if (size < 1) {
            throw new InvalidInputException("Column '" + column + "' holds empty vectors: nothing to learn.");
        }
        return size;
    }

    /**
     * The values of field {@code index} of {@code row} as doubles, or null when the row is invalid
     * and invalid rows are skipped.
     *
     * @param where a description of the row for error messages, such as "row 17 of partition 3"
     * @throws InvalidInputException when the row is invalid and not skipped
     */
    double[] read(Row row, int index, RowPlace where) {
        double[] values = new double[dim];
        return read(row, index, where, values) ? values : null;
    }

    /**
     * Reads field {@code index} of {@code row} into {@code out} (length dim); false when the row is
     * invalid and invalid rows are skipped.
     */
    boolean read(Row row, int index, RowPlace where, double[] out) {
        if (row.isNullAt(index)) {
            return invalid(where, "is null");
        }
        switch (kind) {
            case VECTOR -> {
                Vector v = row.getAs(index);
                if (v.size() != dim) {
                    return invalid(where, "has size " + v.size() + " but " + dim + " was expected");
                }
                if (v instanceof SparseVector sv) {
                    java.util.Arrays.fill(out, 0);
                    int[] idx = sv.indices();
                    double[] val = sv.values();
                    for (int k = 0; k < idx.length; k++) {
                        out[idx[k]] = val[k];
                    }
                } else {
                    System.arraycopy(((DenseVector) v).values(), 0, out, 0, dim);
                }
            }
            case DOUBLE_ARRAY, FLOAT_ARRAY -> {
                List<Object> list = row.getList(index);
                if (list.size() != dim) {
                    return invalid(where, "has " + list.size() + " elements but " + dim + " were expected");
                }
                for (int k = 0; k < dim; k++) {
                    Object o = list.get(k);
                    if (o == null) {
                        return invalid(where, "has a null element at position " + k);
                    }
                    out[k] = ((Number) o).doubleValue();
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return validate(out, where);
    }

    /**
     * As {@link #read(Row, int, RowPlace, double[])} on Spark's internal row format (a vector is the
     * struct (type, size, indices, values) of {@link VectorUDT}: type 0 sparse, 1 dense).
     */
    boolean read(InternalRow row, int index, RowPlace where, double[] out) {
        if (row.isNullAt(index)) {
            return invalid(where, "is null");
        }
        switch (kind) {
            case VECTOR -> {
                InternalRow v = row.getStruct(index, 4);
                ArrayData values = v.getArray(3);
                if (v.getByte(0) == 0) {
                    int size = v.getInt(1);
                    if (size != dim) {
                        return invalid(where, "has size " + size + " but " + dim + " was expected");
                    }
                    ArrayData indices = v.getArray(2);
                    java.util.Arrays.fill(out, 0);
                    for (int k = 0; k < indices.numElements(); k++) {
                        out[indices.getInt(k)] = values.getDouble(k);
                    }
                } else {
                    if (values.numElements() != dim) {
                        return invalid(where, "has size " + values.numElements() + " but " + dim + " was expected");
                    }
                    if (values instanceof UnsafeArrayData unsafe) {
                        // A dense vector's values have no nulls: one copy of the doubles.
                        copyDoubles(unsafe, out);
                    } else {
                        for (int k = 0; k < dim; k++) {
                            out[k] = values.getDouble(k);
                        }
                    }
                }
            }
            case DOUBLE_ARRAY, FLOAT_ARRAY -> {
                ArrayData array = row.getArray(index);
                if (array.numElements() != dim) {
                    return invalid(where, "has " + array.numElements() + " elements but " + dim + " were expected");
                }
                boolean floats = kind == Kind.FLOAT_ARRAY;
                if (array instanceof UnsafeArrayData unsafe && !hasNulls(unsafe)) {
                    // The elements follow the header densely: read them without a check per element.
                    if (floats) {
                        long at = elementsOffset(unsafe);
                        for (int k = 0; k < dim; k++) {
                            out[k] = Platform.getFloat(unsafe.getBaseObject(), at + (long) k * Float.BYTES);
                        }
                    } else {
                        copyDoubles(unsafe, out);
                    }
                    return validate(out, where);
                }
                for (int k = 0; k < dim; k++) {
                    if (array.isNullAt(k)) {
                        return invalid(where, "has a null element at position " + k);
                    }
                    out[k] = floats ? array.getFloat(k) : array.getDouble(k);
                }
            }
            default -> throw new IllegalStateException(kind.name());
        }
        return validate(out, where);
    }

    /** Where an unsafe array's elements start: after its element count and null bitmap. */
    private static long elementsOffset(UnsafeArrayData array) {
        return array.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(array.numElements());
    }

    /** The doubles of an unsafe array without nulls, copied in one piece into {@code out}. */
    private static void copyDoubles(UnsafeArrayData array, double[] out) {
        Platform.copyMemory(array.getBaseObject(), elementsOffset(array), out, Platform.DOUBLE_ARRAY_OFFSET,
                (long) array.numElements() * Double.BYTES);
    }

    /** Whether any element's null bit is set (the bitmap lies between the element count and the elements). */
    private static boolean hasNulls(UnsafeArrayData array) {
        long at = array.getBaseOffset() + 8;
        long words = (elementsOffset(array) - at) / 8;
        long bits = 0;
        for (long w = 0; w < words; w++) {
            bits |= Platform.getLong(array.getBaseObject(), at + 8 * w);
        }
        return bits != 0;
    }

    /** Checks finite values (and [0, 1] for Bernoulli); false when invalid and skipped. */
    private boolean validate(double[] values, RowPlace where) {
        // One pass without branches on the values (NaN fails every comparison); the pass that names
        // the first bad value runs only for a bad row.
        double low = unitInterval ? 0 : -Double.MAX_VALUE;
        double high = unitInterval ? 1 : Double.MAX_VALUE;
        boolean good = true;
        for (int k = 0; k < dim; k++) {
            double x = values[k];
            good &= x >= low & x <= high;
        }
        return good || firstInvalid(values, where);
    }

    /** Names the first value that {@link #validate} refused. */
    private boolean firstInvalid(double[] values, RowPlace where) {
        for (int k = 0; k < dim; k++) {
            double x = values[k];
            if (!Double.isFinite(x)) {
                return invalid(where, "has " + x + " at position " + k);
            }
            if (unitInterval && (x < 0 || x > 1)) {
                return invalid(where, "has " + x + " at position " + k + ", outside [0, 1] as the bernoulli "
                        + "likelihood requires (scale the data to [0, 1] or use likelihood=gaussian)");
            }
        }
        return true;
    }

    /** False (the row is skipped) under handleInvalid=skip; otherwise throws naming the column and row. */
    private boolean invalid(RowPlace where, String problem) {
        if (skipInvalid) {
            return false;
        }
        throw new InvalidInputException("Column '" + name + "' " + where + " " + problem
                + ". Fix the data or set handleInvalid=skip to drop such rows.");
    }
}
