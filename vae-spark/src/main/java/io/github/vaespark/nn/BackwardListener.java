package io.github.vaespark.nn;

/**
 * Told during a backward pass as the tail of the parameter vector is finished. Layers are
 * stored in forward order and the backward pass visits them in reverse, so what is finished is
 * always a suffix {@code [from, numParams)}: those gradients are final for the pass, and the pass
 * reads none of those weights again. A training loop uses this to ship gradients (and receive new
 * weights) layer by layer while the rest of the pass still runs.
 */
@FunctionalInterface
public interface BackwardListener {
    /** Gradients of parameters {@code [from, numParams)} are final and their weights are no longer read. */
    void tailDone(int from);
}
