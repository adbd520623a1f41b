package io.github.vaespark.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A string param with a fixed set of values, accepted in any case ({@code "SKIP"}, {@code "Skip"}).
 * Code never compares the stored text: it reads {@link #valueIn}, which returns the value spelt as
 * in the allowed list, whether it was set by a setter, a {@code ParamMap}, {@code copy} or a load.
 */
final class ChoiceParam extends Param<String> {
    private static final long serialVersionUID = 1L;

    private final String[] values;

    /** A param of {@code owner} whose value must be one of {@code values} (their spelling is canonical). */
    ChoiceParam(Params owner, String name, String doc, String... values) {
        super(owner, name, doc, ParamChecks.oneOf(values));
        this.values = values.clone();
    }

    /** This param's value in {@code stage} (set or default), spelt as in the allowed list. */
    String valueIn(Params stage) {
        return canonical(stage.getOrDefault(this));
    }

    /** {@code value} spelt as in the allowed list; fails naming the param and the allowed values. */
    String canonical(String value) {
        for (String v : values) {
            if (v.equalsIgnoreCase(value)) {
                return v;
            }
        }
        throw new IllegalArgumentException("Param " + name() + " is '" + value + "' but must be one of "
                + String.join(", ", values) + " (any case)");
    }
}
