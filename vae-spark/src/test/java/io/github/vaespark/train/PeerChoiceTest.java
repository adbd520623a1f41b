package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.Activation;
import io.github.vaespark.nn.Likelihood;
import io.github.vaespark.nn.Precision;
import io.github.vaespark.nn.VaeLayout;
import org.junit.jupiter.api.Test;

/** exchangeMode=auto picks the peer exchange on a cluster only for many tasks and a large gradient. */
class PeerChoiceTest {

    private static TrainingConfig config(int[] hidden) {
        VaeLayout layout = new VaeLayout(784, hidden, 20, new int[] {hidden[1], hidden[0]}, Activation.RELU,
                Likelihood.BERNOULLI);
        return new TrainingConfig(layout, Precision.FLOAT32, 1, 0, 1, 1024, 1e-3, 1, 0, 0, null, 1,
                TrainingConfig.DEFAULT_CHUNK_ROWS, ExchangeMode.AUTO, GradientRounding.NONE, 0);
    }

    @Test
    void peerPaysForManyTasksAndALargeGradient() {
        TrainingConfig fashion = config(new int[] {512, 256});  // 1,082,680 parameters, 4.1 MiB
        TrainingConfig small = config(new int[] {32, 16});
        String why = ExchangeChoice.peerPays(8, fashion);
        assertNotNull(why);
        assertTrue(why.contains("8 tasks"), why);
        assertNull(ExchangeChoice.peerPays(2, fashion), "two tasks: the barrier exchange");
        assertNull(ExchangeChoice.peerPays(16, small), "a small gradient: the barrier exchange");
    }
}
