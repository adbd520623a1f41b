package io.github.vaespark.table;

/**
 * How a table column is modelled: {@link #CONTINUOUS} numbers, dates and timestamps (a Gaussian on a
 * normalised value), {@link #CATEGORICAL} levels (a softmax over the levels seen in training) or
 * {@link #BINARY} booleans (a Bernoulli). Every kind also carries a missing indicator.
 */
public enum ColumnKind {
    CONTINUOUS,
    CATEGORICAL,
    BINARY
}
