package io.github.vaespark.ml;

import io.github.vaespark.blas.NativeBlas;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What executor-side model functions (transform, sampling, likelihood estimates) need: the
 * network shape, the width to compute in, and the weights in that width, broadcast once.
 */
record ExecutorModel(VaeLayout layout, Precision precision, Broadcast<?> weights) implements Serializable {

    /** The network with the kernels of the model's width (this JVM's BLAS chosen first). */
    <A> VaeNetwork<A> network(Kernels<A> kernels) {
        NativeBlas.ensureLoaded();
        return new VaeNetwork<>(layout, kernels);
    }

    /** The broadcast weights as the kernels' array type. */
    @SuppressWarnings("unchecked")
    <A> A params(Kernels<A> kernels) {
        if (kernels.precision() != precision) {
            throw new IllegalArgumentException("Weights broadcast as " + precision + " read as " + kernels.precision());
        }
        return (A) weights.value();
    }
}
