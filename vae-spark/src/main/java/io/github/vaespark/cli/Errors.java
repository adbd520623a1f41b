package io.github.vaespark.cli;

/** Turns failures into the one-line messages the CLI prints. */
final class Errors {
    private Errors() {
    }

    /** The most useful single line: the innermost message that names the problem. */
    static String oneLine(Throwable e) {
        Throwable best = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException
                    || t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
                best = t;
                break;
            }
        }
        String message = best.getMessage() == null ? best.getClass().getSimpleName() : best.getMessage();
        String first = message.lines().findFirst().orElse(message);
        return first.length() > 600 ? first.substring(0, 600) + "…" : first;
    }
}
