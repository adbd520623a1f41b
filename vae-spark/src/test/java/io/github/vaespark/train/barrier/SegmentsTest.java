package io.github.vaespark.train.barrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.VaeLayout;
import org.junit.jupiter.api.Test;

/** The exchange's cut of the parameter vector follows what the backward pass reports. */
class SegmentsTest {

    @Test
    void layersAndFirstLayerBlocksInBackwardOrderWithSmallLayersMerged() {
        VaeLayout layout = new VaeLayout(784, new int[] {512, 256}, 20, new int[] {256, 512}, Activation.RELU,
                Likelihood.BERNOULLI);
        Segments s = Segments.byLayer(layout);
        VaeLayout.Dense output = layout.output();
        VaeLayout.Dense decoder1 = layout.decoderLayer(1);
        VaeLayout.Dense encoder1 = layout.encoderLayer(1);
        // decoder layer 0 (20x256) and the head (256x40) are below MIN_SEGMENT: merged into encoder layer 1's segment
        int[] expected = {output.weightOffset(), decoder1.weightOffset(), encoder1.weightOffset(),
            3 * 196 * 512, 2 * 196 * 512, 196 * 512, 0};
        int[] starts = new int[s.count()];
        for (int k = 0; k < s.count(); k++) {
            starts[k] = s.from(k);
            assertEquals(k == 0 ? layout.numParams() : s.from(k - 1), s.to(k));
        }
        assertArrayEquals(expected, starts);
        assertEquals(0, s.finishedBy(layout.numParams()));
        assertEquals(1, s.finishedBy(output.weightOffset()));
        assertEquals(1, s.finishedBy(output.weightOffset() - 1));
        assertEquals(s.count(), s.finishedBy(0));
    }

    @Test
    void wholeIsOneSegment() {
        Segments s = Segments.whole(10);
        assertEquals(1, s.count());
        assertEquals(0, s.from(0));
        assertEquals(10, s.to(0));
    }
}
