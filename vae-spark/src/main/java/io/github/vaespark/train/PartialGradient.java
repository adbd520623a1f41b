package io.github.vaespark.train;

import io.github.vaespark.nn.LossSums;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What one partition sends back at one step: the gradient summed over its rows (in the training
 * precision), the loss sums, and how long the computation took on the executor. Serialised as a
 * raw little-endian block so that a multi-megabyte gradient costs one bulk copy each way.
 */
public final class PartialGradient implements Externalizable {
    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

    private Object gradient;
    private LossSums loss;
    private long computeNanos;

    /** For deserialisation only. */
    public PartialGradient() {
    }

    PartialGradient(Object gradient, LossSums loss, long computeNanos) {
        this.gradient = gradient;
        this.loss = loss;
        this.computeNanos = computeNanos;
    }

    /** A float[] or double[] of gradient sums, or null when the partition had no rows. */
    Object gradient() {
        return gradient;
    }

    LossSums loss() {
        return loss;
    }

    long computeNanos() {
        return computeNanos;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeDouble(loss.reconstruction());
        out.writeDouble(loss.kl());
        out.writeLong(loss.rows());
        out.writeLong(computeNanos);
        if (gradient == null) {
            out.writeByte(0);
            return;
        }
        boolean single = gradient instanceof float[];
        int length = single ? ((float[]) gradient).length : ((double[]) gradient).length;
        int bytes = length * (single ? 4 : 8);
        out.writeByte(single ? 4 : 8);
        out.writeInt(length);
        byte[] buffer = scratch(bytes);
        ByteBuffer view = ByteBuffer.wrap(buffer, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (single) {
            view.asFloatBuffer().put((float[]) gradient);
        } else {
            view.asDoubleBuffer().put((double[]) gradient);
        }
        out.write(buffer, 0, bytes);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        loss = new LossSums(in.readDouble(), in.readDouble(), in.readLong());
        computeNanos = in.readLong();
        int width = in.readByte();
        if (width == 0) {
            gradient = null;
            return;
        }
        int length = in.readInt();
        byte[] buffer = scratch(length * width);
        in.readFully(buffer, 0, length * width);
        ByteBuffer view = ByteBuffer.wrap(buffer, 0, length * width).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
            float[] g = new float[length];
            view.asFloatBuffer().get(g);
            gradient = g;
        } else {
            double[] g = new double[length];
            view.asDoubleBuffer().get(g);
            gradient = g;
        }
    }

    /** A per-thread byte buffer of at least {@code size} bytes, reused across steps. */
    private static byte[] scratch(int size) {
        byte[] b = SCRATCH.get();
        if (b == null || b.length < size) {
            b = new byte[size];
            SCRATCH.set(b);
        }
        return b;
    }
}
