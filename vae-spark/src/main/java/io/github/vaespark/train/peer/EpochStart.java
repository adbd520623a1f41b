package io.github.vaespark.train.peer;

import java.io.Serializable;

/**
 * What every task of a peer-exchange epoch starts from, broadcast by the driver: the exact
 * (double) weights and Adam's moments and step count. A restarted stage starts from it again, so
 * a retried epoch repeats the undisturbed one.
 */
record EpochStart(double[] params, double[] firstMoment, double[] secondMoment, long adamStep)
        implements Serializable {
}
