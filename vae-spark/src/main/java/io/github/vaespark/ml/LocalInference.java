package io.github.vaespark.ml;

import breeze.linalg.DenseMatrix;
import io.github.vaespark.nn.Float64Kernels;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.VaeLayout;
import io.github.vaespark.nn.VaeNetwork;
import io.github.vaespark.nn.Workspace;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;

/** Encoding and decoding of single vectors on the driver, in double precision. */
final class LocalInference {
    private final VaeLayout layout;
    private final double[] weights;
    private final Kernels<double[]> k = Float64Kernels.INSTANCE;
    private final VaeNetwork<double[]> network;
    private final Workspace<double[]> ws;

    LocalInference(VaeLayout layout, double[] weights) {
        this.layout = layout;
        this.weights = weights;
        this.network = new VaeNetwork<>(layout, k);
        this.ws = network.newWorkspace(1);
    }

    Vector encode(Vector features) {
        check("features", features, layout.inputDim());
        DenseMatrix<?> x = ws.input(1);
        k.setColumn(x, 0, features.toArray());
        DenseMatrix<?> mu = network.latentMean(network.encode(weights, x, ws), ws);
        double[] out = new double[layout.latentDim()];
        k.getColumn(mu, 0, out);
        return Vectors.dense(out);
    }

    Vector decode(Vector latent) {
        check("latent", latent, layout.latentDim());
        DenseMatrix<?> z = ws.latent(1);
        k.setColumn(z, 0, latent.toArray());
        DenseMatrix<?> mean = network.decodeMean(weights, z, ws);
        double[] out = new double[layout.inputDim()];
        k.getColumn(mean, 0, out);
        return Vectors.dense(out);
    }

    private static void check(String what, Vector v, int size) {
        if (v == null || v.size() != size) {
            throw new InvalidInputException("The " + what + " vector must have size " + size + " but "
                    + (v == null ? "is null" : "has size " + v.size()));
        }
        for (double x : v.toArray()) {
            if (!Double.isFinite(x)) {
                throw new InvalidInputException("The " + what + " vector holds " + x);
            }
        }
    }
}
