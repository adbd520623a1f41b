package io.github.vaespark.ml;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The columns transform appends, as the estimator's and the model's transformSchema describe them. */
final class OutputColumns {
    private OutputColumns() {
    }

    /**
     * {@code schema} with the output columns the params ask for; vector columns carry their size
     * as ML attribute metadata ({@code inputDim} -1: not known yet).
     *
     * @throws InvalidInputException when an output name is taken or requested twice
     */
    static StructType append(StructType schema, VaeParams params, int inputDim, int latentDim) {
        return append(schema, params, inputDim, latentDim, null);
    }

    /**
     * As {@link #append(StructType, VaeParams, int, int)}, for a table model whose input columns have
     * {@code inputTypes} (null for a vector model): adds the imputed columns and the column scores.
     */
    static StructType append(StructType schema, VaeParams params, int inputDim, int latentDim, DataType[] inputTypes) {
        StructType out = schema;
        for (StructField f : fields(params, inputDim, latentDim, inputTypes)) {
            if (schema.getFieldIndex(f.name()).isDefined()) {
                throw new InvalidInputException("Output column '" + f.name() + "' already exists in the input. "
                        + "Choose another name (setLatentMeanCol, setReconstructionCol, setElboCol, "
                        + "setLatentColsPrefix, setImputedCols, setColumnScoresCol) or drop the column.");
            }
            if (out.getFieldIndex(f.name()).isDefined()) {
                throw new InvalidInputException("Output column '" + f.name() + "' is requested twice; give the "
                        + "output columns distinct names.");
            }
            out = out.add(f);
        }
        return out;
    }

    private static List<StructField> fields(VaeParams p, int inputDim, int latentDim, DataType[] inputTypes) {
        List<StructField> fields = new ArrayList<>();
        String[] imputed = p.getImputedCols();
        if (inputTypes == null && (imputed.length > 0 || !p.getColumnScoresCol().isEmpty())) {
            throw new InvalidInputException("imputedCols and columnScoresCol need a table model (inputCols); "
                    + "this model reads the vector column '" + p.getFeaturesCol() + "'.");
        }
        if (inputTypes != null && imputed.length > 0 && imputed.length != inputTypes.length) {
            throw new InvalidInputException("imputedCols has " + imputed.length + " names but the model has "
                    + inputTypes.length + " input columns (" + String.join(", ", p.getInputCols())
                    + "): give one output name per input column.");
        }
        if (!p.getLatentMeanCol().isEmpty()) {
            fields.add(vector(p.getLatentMeanCol(), latentDim));
        }
        if (!p.getReconstructionCol().isEmpty()) {
            fields.add(vector(p.getReconstructionCol(), inputDim));
        }
        if (!p.getElboCol().isEmpty()) {
            fields.add(DataTypes.createStructField(p.getElboCol(), DataTypes.DoubleType, false));
        }
        if (!p.getLatentColsPrefix().isEmpty()) {
            for (int i = 0; i < latentDim; i++) {
                fields.add(DataTypes.createStructField(p.getLatentColsPrefix() + i, DataTypes.DoubleType, false));
            }
        }
        if (inputTypes != null) {
            for (int i = 0; i < imputed.length; i++) {
                fields.add(DataTypes.createStructField(imputed[i], inputTypes[i], true));
            }
            if (!p.getColumnScoresCol().isEmpty()) {
                fields.add(vector(p.getColumnScoresCol(), inputTypes.length));
            }
        }
        return fields;
    }

    /** A vector column with its size in the ML attribute metadata (size -1: unknown). */
    static StructField vector(String name, int size) {
        return (size > 0 ? new AttributeGroup(name, size) : new AttributeGroup(name)).toStructField();
    }
}
