package io.github.vaespark.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Initial weights: reproducible, and a table's missing indicators start at their training share. */
class ParameterInitTest {

    @Test
    void missingIndicatorsStartAtTheirPriorAndTheRestAsUsual() {
        MixedColumns.Builder b = MixedColumns.builder();
        b.add(MixedColumns.Kind.GAUSSIAN, 1, 1, 0);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 0, 0.1);
        b.add(MixedColumns.Kind.CATEGORICAL, 3, 5, 1);
        b.add(MixedColumns.Kind.BERNOULLI, 1, -1, 1, 0.0);
        VaeLayout layout = new VaeLayout(b.build(), 0, new int[] {4}, 2, new int[] {4}, Activation.RELU);
        double[] params = ParameterInit.initialize(layout, 3);
        int bias = layout.output().biasOffset();
        assertEquals(Math.log(0.1 / 0.9), params[bias + 1], 1e-12);
        assertEquals(Math.log(1e-4 / (1 - 1e-4)), params[bias + 5], 1e-9, "a share of 0 is floored");
        double bound = 1 / Math.sqrt(layout.output().in());
        for (int i : new int[] {0, 2, 3, 4}) {
            assertEquals(0, params[bias + i], bound, "other biases as nn.Linear draws them");
        }
        assertArrayEquals(params, ParameterInit.initialize(layout, 3));
    }
}
