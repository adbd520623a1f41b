package io.github.vaespark.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Command-line options generated from a stage's Spark ML params, named in kebab-case
 * ({@code latentDim} → {@code --latent-dim}), with the param's doc and default as help, so the
 * CLI always offers exactly the params the library has.
 */
final class ParamOptions {
    private ParamOptions() {
    }

    /** {@code latentDim} → {@code --latent-dim}. */
    static String optionName(String param) {
        return "--" + param.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Adds one option per param of {@code stage} (all of them, or those named in {@code only}). */
    static void register(CommandSpec spec, Params stage, Set<String> only) {
        for (Param<?> p : stage.params()) {
            if (only != null && !only.contains(p.name())) {
                continue;
            }
            String label = p instanceof IntArrayParam ? "INT[,INT...]" : p instanceof StringArrayParam ? "COL[,COL...]"
                    : p instanceof IntParam ? "INT"
                    : p instanceof DoubleParam ? "NUM" : p instanceof LongParam ? "LONG" : "TEXT";
            spec.addOption(OptionSpec.builder(optionName(p.name()))
                    .paramLabel(label)
                    .type(String.class)
                    .description(p.doc() + " (default: " + defaultText(stage, p) + ")")
                    .build());
        }
    }

    private static String defaultText(Params stage, Param<?> p) {
        if (!stage.hasDefault(p)) {
            return p.name().equals("decoderLayers") ? "encoder layers reversed" : "not set";
        }
        Object v = stage.getDefault(p).get();
        if (v instanceof String[] names) {
            return names.length == 0 ? "none" : String.join(",", names);
        }
        return v instanceof int[] a ? String.join(",", Arrays.stream(a).mapToObj(Integer::toString).toList())
                : String.valueOf(v);
    }

    /** Sets every param whose option was given on the command line. */
    @SuppressWarnings("unchecked")
    static void apply(CommandSpec spec, Params stage) {
        for (Param<?> p : stage.params()) {
            OptionSpec option = spec.findOption(optionName(p.name()));
            if (option == null || option.getValue() == null) {
                continue;
            }
            String text = option.getValue().toString().trim();
            Object value;
            try {
                if (p instanceof IntArrayParam) {
                    value = text.isEmpty() ? new int[0]
                            : Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
                } else if (p instanceof StringArrayParam) {
                    value = Arrays.stream(text.split(",")).map(String::trim).filter(c -> !c.isEmpty())
                            .toArray(String[]::new);
                } else if (p instanceof IntParam) {
                    value = Integer.parseInt(text);
                } else if (p instanceof DoubleParam) {
                    value = Double.parseDouble(text);
                } else if (p instanceof LongParam) {
                    value = Long.parseLong(text);
                } else {
                    value = text;
                }
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + option.longestName() + ": '"
                        + text + "' is not a valid " + option.paramLabel());
            }
            try {
                stage.set((Param<Object>) p, value);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for " + option.longestName() + ": '"
                        + text + "' (" + p.doc() + ")");
            }
        }
    }
}
