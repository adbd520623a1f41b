package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import breeze.linalg.DenseMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a backward pass reports as finished really is: the reported tails shrink to the whole
 * vector, their gradients no longer change, and their weights are no longer read (poisoning them
 * at the report leaves the gradient unchanged).
 */
class BackwardListenerTest {

    @ParameterizedTest
    @EnumSource(value = Likelihood.class, names = {"BERNOULLI", "GAUSSIAN"})
    void reportedTailsAreFinalAndTheirWeightsUnread(Likelihood likelihood) {
        VaeLayout layout = new VaeLayout(9, new int[] {7, 5}, 3, new int[] {6}, Activation.TANH, likelihood);
        Kernels<double[]> k = Float64Kernels.INSTANCE;
        VaeNetwork<double[]> net = new VaeNetwork<>(layout, k);
        Workspace<double[]> ws = net.newWorkspace(11);
        DenseMatrix<?> x = ws.input(11);
        DenseMatrix<?> eps = ws.epsilon(11);
        SplittableRandom random = new SplittableRandom(4);
        double[] row = new double[9];
        double[] scratch = new double[3];
        for (int j = 0; j < 11; j++) {
            for (int i = 0; i < 9; i++) {
                row[i] = likelihood == Likelihood.BERNOULLI ? random.nextDouble() : random.nextGaussian();
            }
            k.setColumn(x, j, row);
            LatentNoise.fillColumn(k, eps, j, 7, j, scratch);
        }
        double[] params = ParameterInit.initialize(layout, 3);
        double[] expected = new double[layout.numParams()];
        net.accumulateGradient(params, x, ws, 1.0, expected);

        double[] grad = new double[layout.numParams()];
        double[] poisoned = params.clone();
        List<Integer> tails = new ArrayList<>();
        List<double[]> atReport = new ArrayList<>();
        net.accumulateGradient(poisoned, x, ws, 1.0, grad, from -> {
            tails.add(from);
            atReport.add(Arrays.copyOfRange(grad, from, grad.length));
            Arrays.fill(poisoned, from, poisoned.length, Double.NaN);
        });

        assertEquals(0, tails.get(tails.size() - 1), "the last report covers the whole vector");
        for (int i = 1; i < tails.size(); i++) {
            assertTrue(tails.get(i) <= tails.get(i - 1), "tails only grow: " + tails);
        }
        assertTrue(tails.size() >= layout.allDense().size(), "one report per layer at least: " + tails);
        for (int r = 0; r < tails.size(); r++) {
            double[] expectedTail = Arrays.copyOfRange(expected, tails.get(r), expected.length);
            for (int i = 0; i < expectedTail.length; i++) {
                assertEquals(expectedTail[i], atReport.get(r)[i], 0.0, "final at report " + r + ", parameter "
                        + (tails.get(r) + i));
            }
        }
    }
}
