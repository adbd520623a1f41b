package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import breeze.linalg.DenseMatrix;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Central finite differences of the full negative ELBO (ε fixed) against back-propagation, in double. */
class GradientCheckTest {

    static Stream<Arguments> configurations() {
        return Stream.of(Likelihood.values()).flatMap(l ->
                Stream.of(Activation.values()).flatMap(a ->
                        Stream.of(Arguments.of(l, a, new int[] {6, 4}, new int[] {4, 5}, 0.7),
                                Arguments.of(l, a, new int[] {}, new int[] {3}, 1.0))));
    }

    @ParameterizedTest(name = "{0} {1} enc={2} dec={3} beta={4}")
    @MethodSource("configurations")
    void backpropMatchesFiniteDifferences(Likelihood likelihood, Activation activation, int[] enc, int[] dec,
                                          double beta) {
        int inputDim = 7;
        int rows = 5;
        VaeLayout layout = new VaeLayout(inputDim, enc, 3, dec, activation, likelihood);
        Kernels<double[]> k = Float64Kernels.INSTANCE;
        VaeNetwork<double[]> net = new VaeNetwork<>(layout, k);
        SplittableRandom random = new SplittableRandom(42);

        double[] params = ParameterInit.initialize(layout, 7);
        if (likelihood == Likelihood.GAUSSIAN) {
            for (int i = 0; i < inputDim; i++) {
                params[layout.logVarianceOffset() + i] = random.nextDouble(-1, 1);
            }
        }
        double[] x = new double[inputDim * rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = likelihood == Likelihood.BERNOULLI ? random.nextDouble() : random.nextGaussian();
        }
        double[] eps = new double[layout.latentDim() * rows];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = random.nextGaussian();
        }
        Workspace<double[]> ws = net.newWorkspace(rows);
        DenseMatrix<?> xm = k.matrix(x, 0, inputDim, rows);

        double[] grad = new double[layout.numParams()];
        loadNoise(ws, eps);
        LossSums analytic = net.accumulateGradient(params, xm, ws, beta, grad);
        assertEquals(objective(net, ws, params, xm, eps, beta), analytic.reconstruction() + beta * analytic.kl(), 1e-12);

        double h = 1e-6;
        double worst = 0;
        for (int p = 0; p < params.length; p++) {
            double saved = params[p];
            params[p] = saved + h;
            double plus = objective(net, ws, params, xm, eps, beta);
            params[p] = saved - h;
            double minus = objective(net, ws, params, xm, eps, beta);
            params[p] = saved;
            double numeric = (plus - minus) / (2 * h);
            double error = Math.abs(numeric - grad[p]) / Math.max(1.0, Math.abs(numeric) + Math.abs(grad[p]));
            worst = Math.max(worst, error);
        }
        assertTrue(worst < 1e-6, "largest relative gradient error " + worst);
    }

    private static void loadNoise(Workspace<double[]> ws, double[] eps) {
        DenseMatrix<?> e = ws.epsilon(eps.length / ws.layout().latentDim());
        System.arraycopy(eps, 0, (double[]) e.data(), 0, eps.length);
    }

    private static double objective(VaeNetwork<double[]> net, Workspace<double[]> ws, double[] params,
                                    DenseMatrix<?> x, double[] eps, double beta) {
        loadNoise(ws, eps);
        LossSums s = net.evaluate(params, x, ws, null, null);
        return s.reconstruction() + beta * s.kl();
    }
}
