package io.github.vaespark.train;

import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;

/**
 * Where one row chunk of a task's share is computed: a workspace and a gradient array owned by
 * that task, never shared with another task, whichever thread runs the chunk.
 */
final class ChunkSlot<A> {
    final VaeNetwork<A> network;
    final Workspace<A> workspace;
    final A gradient;
    final double[] noiseScratch;
    private final int capacity;

    ChunkSlot(VaeNetwork<A> network, int capacity) {
        this.network = network;
        this.workspace = network.newWorkspace(capacity);
        this.gradient = network.kernels().allocate(network.layout().numParams());
        this.noiseScratch = new double[network.layout().latentDim()];
        this.capacity = capacity;
    }

    /** Whether this slot serves the network's layout and precision at this capacity. */
    boolean fits(VaeNetwork<?> other, int otherCapacity) {
        return capacity == otherCapacity && network.kernels() == other.kernels()
                && network.layout().equals(other.layout());
    }
}
