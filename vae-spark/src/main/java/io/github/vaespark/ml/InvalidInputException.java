package io.github.vaespark.ml;

/** A row or column that cannot be used, with a message naming the column, the row and the fix. */
public final class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
