package io.github.vaespark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.size;

import io.github.vaespark.nn.VaeLayout;
import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads the {@code data/} Parquet of a saved model (one row per tensor: name, rows, cols, values)
 * into the flat parameter vector of a layout, treating the folder as untrusted: first a listing of
 * every tensor's name, shape and value count (no values reach the driver) is checked against the
 * layout (no unknown, missing or duplicate tensors, shapes as required, rows × cols values, no
 * nulls); only then is the parameter vector allocated and filled tensor by tensor, each tensor's
 * values arriving as one primitive {@code double[]}.
 */
final class WeightsReader {
    /** Column names and types (nullability aside) of the stored tensors. */
    private static final StructType STORED_SCHEMA = new StructType()
            .add("name", DataTypes.StringType)
            .add("rows", DataTypes.IntegerType)
            .add("cols", DataTypes.IntegerType)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType));

    private final VaeLayout layout;
    private final String path;
    private final String data;

    /**
     * @param layout the shape the metadata describes (already validated)
     * @param path   the model folder, named in errors
     */
    WeightsReader(VaeLayout layout, String path) {
        this.layout = layout;
        this.path = path;
        this.data = new Path(path, "data").toString();
    }

    /** The checked parameter vector. */
    double[] read(SparkSession spark) {
        Dataset<Row> stored = open(spark);
        Map<String, Persistence.Tensor> expected = new LinkedHashMap<>();
        for (Persistence.Tensor t : Persistence.tensors(layout)) {
            expected.put(t.name(), t);
        }
        checkListing(stored, expected);
        double[] params = new double[layout.numParams()];
        try {
            Iterator<StoredTensor> it = stored.select(col("name"), col("values")).javaRDD()
                    .map(WeightsReader::toStoredTensor).toLocalIterator();
            while (it.hasNext()) {
                copy(it.next(), expected, params);
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException("Cannot load the weights of " + path + " from " + data
                    + " (truncated or corrupt Parquet?): " + firstLine(e.getMessage()));
        }
        return params;
    }

    private void copy(StoredTensor s, Map<String, Persistence.Tensor> expected, double[] params) {
        Persistence.Tensor t = expected.get(s.name());
        if (t == null || s.values().length != t.size()) {
            throw new InvalidInputException("Tensor '" + s.name() + "' in " + data + " changed while " + path
                    + " was being loaded.");
        }
        for (int i = 0; i < s.values().length; i++) {
            if (!Double.isFinite(s.values()[i])) {
                throw new InvalidInputException("Tensor '" + s.name() + "' in " + data
                        + " holds a non-finite value at " + i + ".");
            }
        }
        System.arraycopy(s.values(), 0, params, t.offset(), t.size());
    }

    private Dataset<Row> open(SparkSession spark) {
        Dataset<Row> stored;
        try {
            stored = spark.read().parquet(data);
        } catch (Exception e) {
            throw new InvalidInputException("Cannot load the weights of " + path + " from " + data
                    + " (missing, truncated or not Parquet with columns name, rows, cols, values): "
                    + firstLine(e.getMessage()));
        }
        StructType schema = stored.schema();
        for (StructField expected : STORED_SCHEMA.fields()) {
            int i = Arrays.asList(schema.fieldNames()).indexOf(expected.name());
            if (i < 0 || !sameTypeIgnoringNulls(schema.fields()[i].dataType(), expected.dataType())) {
                throw new InvalidInputException("Cannot load the weights of " + path + " from " + data + ": column '"
                        + expected.name() + "' " + (i < 0 ? "is missing" : "is " + schema.fields()[i].dataType()
                        .simpleString()) + ", expected " + expected.dataType().simpleString() + ".");
            }
        }
        return stored;
    }

    private static boolean sameTypeIgnoringNulls(DataType actual, DataType expected) {
        if (actual instanceof ArrayType a && expected instanceof ArrayType e) {
            return a.elementType().equals(e.elementType());
        }
        return actual.equals(expected);
    }

    /** Checks every stored tensor's name, shape and value count before anything is allocated. */
    private void checkListing(Dataset<Row> stored, Map<String, Persistence.Tensor> expected) {
        List<Row> listing;
        try {
            listing = stored.select(col("name"), col("rows"), col("cols"), size(col("values")),
                    expr("exists(values, v -> v IS NULL)")).collectAsList();
        } catch (Exception e) {
            throw new InvalidInputException("Cannot load the weights of " + path + " from " + data
                    + " (missing, truncated or not Parquet): " + firstLine(e.getMessage()));
        }
        Set<String> seen = new HashSet<>();
        for (Row r : listing) {
            String name = r.isNullAt(0) ? null : r.getString(0);
            Persistence.Tensor t = expected.get(name);
            if (t == null) {
                throw new InvalidInputException("The weights in " + data + " hold tensor '" + name
                        + "', which the metadata of " + path + " does not describe (" + layout.describe() + ").");
            }
            if (!seen.add(name)) {
                throw new InvalidInputException("The weights in " + data + " hold tensor '" + name
                        + "' more than once; " + path + " is damaged.");
            }
            long rows = r.isNullAt(1) ? -1 : r.getInt(1);
            long cols = r.isNullAt(2) ? -1 : r.getInt(2);
            long count = r.isNullAt(3) ? -1 : r.getInt(3);
            if (rows != t.rows() || cols != t.cols() || count != rows * cols) {
                throw new InvalidInputException("Tensor '" + name + "' in " + data + " is " + rows + "x" + cols
                        + " with " + count + " values, but the metadata requires " + t.rows()
                        + "x" + t.cols() + " (" + layout.describe() + ").");
            }
            if (!r.isNullAt(4) && r.getBoolean(4)) {
                throw new InvalidInputException("Tensor '" + name + "' in " + data + " holds a null value.");
            }
        }
        for (String name : expected.keySet()) {
            if (!seen.contains(name)) {
                throw new InvalidInputException("The weights in " + data + " lack tensor '" + name
                        + "' required by the metadata of " + path + " (" + layout.describe() + ").");
            }
        }
    }

    /** Runs on an executor: the row's array becomes one primitive array. */
    private static StoredTensor toStoredTensor(Row r) {
        List<Double> boxed = r.getList(1);
        double[] values = new double[boxed.size()];
        for (int i = 0; i < values.length; i++) {
            Double v = boxed.get(i);
            values[i] = v == null ? Double.NaN : v;
        }
        return new StoredTensor(r.getString(0), values);
    }

    /** One tensor's name and values, as sent from an executor to the driver. */
    private record StoredTensor(String name, double[] values) implements Serializable {
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
