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
        return Stream.of(Likelihood.BERNOULLI, Likelihood.GAUSSIAN).flatMap(l ->
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
        assertGradientMatches(net, params, x, eps, beta, 1e-6);
    }

    /**
     * A table's entries: a Gaussian, a binary, a 3-level categorical and two more binary columns,
     * three of them with a missing indicator that masks them.
     */
    static MixedColumns tableColumns() {
        MixedColumns.Builder b = MixedColumns.builder();
        b.add(MixedColumns.Kind.GAUSSIAN, 1, 1, 0);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 0);
        b.add(MixedColumns.Kind.CATEGORICAL, 3, 5, 1);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 1);
        b.add(MixedColumns.Kind.BERNOULLI, 1, 7, 2);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 2);
        return b.build();
    }

    /**
     * The mixed likelihood of a table (Gaussian, categorical and binary columns, each with a
     * missing indicator that masks it) with and without condition entries read by both halves.
     */
    @ParameterizedTest(name = "conditions={0} enc={1} dec={2}")
    @MethodSource("mixedConfigurations")
    void mixedTableWithConditionsMatchesFiniteDifferences(int conditionDim, int[] enc, int[] dec) {
        VaeLayout layout = new VaeLayout(tableColumns(), conditionDim, enc, 3, dec, Activation.TANH);
        VaeNetwork<double[]> net = new VaeNetwork<>(layout, Float64Kernels.INSTANCE);
        SplittableRandom random = new SplittableRandom(5);
        double[] params = ParameterInit.initialize(layout, 9);
        for (int i = 0; i < layout.inputDim(); i++) {
            params[layout.logVarianceOffset() + i] = random.nextDouble(-1, 1);
        }
        int rows = 6;
        double[] x = new double[layout.dataDim() * rows];
        for (int j = 0; j < rows; j++) {
            int o = j * layout.dataDim();
            boolean[] missing = {j % 3 == 1, j % 4 == 2, j == 5};
            x[o] = missing[0] ? 0 : random.nextGaussian();
            x[o + 1] = missing[0] ? 1 : 0;
            if (!missing[1]) {
                x[o + 2 + random.nextInt(3)] = 1;
            }
            x[o + 5] = missing[1] ? 1 : 0;
            x[o + 6] = missing[2] ? 0 : random.nextInt(2);
            x[o + 7] = missing[2] ? 1 : 0;
            for (int c = 0; c < conditionDim; c++) {
                x[o + layout.inputDim() + c] = random.nextGaussian();
            }
        }
        double[] eps = new double[layout.latentDim() * rows];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = random.nextGaussian();
        }
        double[] grad = assertGradientMatches(net, params, x, eps, 0.8, 1e-6);
        if (conditionDim > 0) {
            VaeLayout.Dense first = layout.decoderInputLayer();
            double conditionWeights = 0;
            for (int i = first.weightOffset() + layout.latentDim() * first.out(); i < first.biasOffset(); i++) {
                conditionWeights += Math.abs(grad[i]);
            }
            assertTrue(conditionWeights > 0, "the decoder's condition weights get a gradient");
        }
    }

    static Stream<Arguments> mixedConfigurations() {
        return Stream.of(Arguments.of(0, new int[] {5}, new int[] {4}), Arguments.of(2, new int[] {5}, new int[] {4}),
                Arguments.of(2, new int[] {}, new int[] {}));
    }

    /**
     * Decoder log-variances below the floor and encoder log-variances outside the clamp range (see
     * {@link LogVarianceBounds}) get zero gradient, consistent with the loss; the others as usual.
     * Above the encoder range σ² = e^20 makes the KL term about 10^8, too large for finite
     * differences, so that case is checked with β = 0 (the KL gradient is zero there anyway); near
     * the decoder floor the precision e^9.2 makes the loss about 10^4, and rounding costs the
     * central differences a digit, hence the wider tolerance there.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("boundCases")
    void flooredAndClampedLogVariancesHaveConsistentGradients(String bound, double[] decoderLogVar,
                                                             double encoderLogVarBias, double beta, double tolerance) {
        int inputDim = decoderLogVar.length;
        VaeLayout layout = new VaeLayout(inputDim, new int[] {4}, 2, new int[] {4}, Activation.TANH,
                Likelihood.GAUSSIAN);
        VaeNetwork<double[]> net = new VaeNetwork<>(layout, Float64Kernels.INSTANCE);
        SplittableRandom random = new SplittableRandom(11);
        double[] params = ParameterInit.initialize(layout, 3);
        System.arraycopy(decoderLogVar, 0, params, layout.logVarianceOffset(), inputDim);
        int logVarBias = layout.head().biasOffset() + layout.latentDim();
        params[logVarBias] = encoderLogVarBias;
        double[] x = new double[inputDim * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] eps = new double[layout.latentDim() * 4];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = random.nextGaussian();
        }
        double[] grad = assertGradientMatches(net, params, x, eps, beta, tolerance);
        for (int i = 0; i < inputDim; i++) {
            boolean floored = decoderLogVar[i] < LogVarianceBounds.DECODER_MIN;
            assertEquals(floored, grad[layout.logVarianceOffset() + i] == 0, bound + ": decoder log-variance " + i);
        }
        boolean clamped = encoderLogVarBias < LogVarianceBounds.ENCODER_MIN
                || encoderLogVarBias > LogVarianceBounds.ENCODER_MAX;
        assertEquals(clamped, grad[logVarBias] == 0, bound + ": encoder log-variance bias");
        if (beta > 0) {
            assertTrue(grad[logVarBias + 1] != 0, bound + ": the other latent's log-variance");
        }
    }

    static Stream<Arguments> boundCases() {
        double floor = LogVarianceBounds.DECODER_MIN;
        return Stream.of(
                Arguments.of("decoder floor", new double[] {-12, floor - 0.01, floor + 0.01, -3, 0.5}, 0.0, 1.0,
                        2e-5),
                Arguments.of("encoder below", new double[] {-0.5, 0.2, 0.7}, -45.0, 1.0, 1e-6),
                Arguments.of("encoder above", new double[] {-0.5, 0.2, 0.7}, 25.0, 0.0, 1e-6));
    }

    /** Checks back-propagation against central differences; returns the analytic gradient. */
    private static double[] assertGradientMatches(VaeNetwork<double[]> net, double[] params, double[] x, double[] eps,
                                                  double beta, double tolerance) {
        Kernels<double[]> k = net.kernels();
        int dataDim = net.layout().dataDim();
        int rows = x.length / dataDim;
        Workspace<double[]> ws = net.newWorkspace(rows);
        DenseMatrix<?> xm = k.matrix(x, 0, dataDim, rows);

        double[] grad = new double[params.length];
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
        assertTrue(worst < tolerance, "largest relative gradient error " + worst);
        return grad;
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
