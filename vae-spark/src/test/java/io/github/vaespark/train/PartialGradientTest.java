package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vaespark.nn.LossSums;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** A partial gradient survives serialisation exactly, in pieces, whatever its size and width. */
class PartialGradientTest {

    private static PartialGradient roundTrip(PartialGradient g) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(g);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (PartialGradient) in.readObject();
        }
    }

    @Test
    void floatAndDoubleGradientsLargerThanTheStreamBufferRoundTrip() throws Exception {
        float[] f = new float[700_001];
        double[] d = new double[300_007];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) Math.sin(i) * i;
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.cos(i) / (i + 1);
        }
        PartialGradient a = roundTrip(new PartialGradient(f, new LossSums(1.5, 2.5, 7), 42));
        assertArrayEquals(f, (float[]) a.gradient());
        assertEquals(7, a.loss().rows());
        assertEquals(42, a.computeNanos());
        assertArrayEquals(d, (double[]) roundTrip(new PartialGradient(d, new LossSums(), 1)).gradient());
        assertEquals(null, roundTrip(new PartialGradient(null, new LossSums(), 1)).gradient());
    }
}
