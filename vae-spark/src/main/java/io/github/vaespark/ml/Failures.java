package io.github.vaespark.ml;

import io.github.vaespark.train.DivergedException;

/** How failures inside a fit or a Spark job reach the user (shared by the estimator and the model). */
final class Failures {
    private Failures() {
    }

    /**
     * A Spark job failure caused by bad input becomes that input error (not a wall of Spark text);
     * other failures pass through, checked Spark exceptions wrapped.
     */
    static RuntimeException translate(Exception e) {
        if (e instanceof InvalidInputException invalid) {
            return invalid;
        }
        if (e instanceof TrainingDivergedException published) {
            return published;
        }
        if (e instanceof DivergedException diverged) {
            TrainingDivergedException published = new TrainingDivergedException(diverged.getMessage(),
                    diverged.epoch(), diverged.step());
            published.initCause(diverged);
            return published;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException invalid) {
                InvalidInputException clean = new InvalidInputException(invalid.getMessage());
                clean.initCause(e);
                return clean;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
