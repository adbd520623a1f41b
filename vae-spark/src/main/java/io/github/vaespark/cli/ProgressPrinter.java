package io.github.vaespark.cli;

import io.github.vaespark.ml.EpochSummary;
import io.github.vaespark.ml.TrainingListener;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.Locale;

/** One line per epoch on the console: losses, validation, throughput and time left. */
final class ProgressPrinter implements TrainingListener, Serializable {
    private static final long serialVersionUID = 1L;
    private final transient PrintStream out;
    private double seconds;
    private int epochs;

    ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEpochEnd(EpochSummary s, int maxEpochs) {
        seconds += s.seconds();
        epochs++;
        double eta = seconds / epochs * (maxEpochs - s.epoch());
        out.println(String.format(Locale.ROOT, "epoch %d/%d  -ELBO %.3f  reconstruction %.3f  KL %.3f%s  %,.0f rows/s"
                        + "  %.1fs  ETA %s", s.epoch(), maxEpochs, s.negativeElbo(), s.reconstruction(), s.kl(),
                Double.isNaN(s.validationNegativeElbo()) ? ""
                        : String.format(Locale.ROOT, "  validation -ELBO %.3f", s.validationNegativeElbo()),
                s.rowsPerSecond(), s.seconds(), duration(eta)));
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
