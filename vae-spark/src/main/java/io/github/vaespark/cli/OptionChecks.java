package io.github.vaespark.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks of numeric options, failing as bad usage (exit code 2) before any Spark work starts. */
final class OptionChecks {
    private OptionChecks() {
    }

    /** Fails unless {@code value} of {@code option} is at least {@code min}; {@code meaning} says what it counts. */
    static void atLeast(CommandSpec spec, String option, long value, long min, String meaning) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), outOfRange(option, value, min, meaning));
        }
    }

    /** The message for {@code value} of {@code option} below {@code min}, also for checks made without a spec. */
    static String outOfRange(String option, long value, long min, String meaning) {
        return "Invalid value for " + option + ": " + value + " (" + meaning + ", at least " + min + ")";
    }
}
