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

    public PartialGradient(Object gradient, LossSums loss, long computeNanos) {
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
        int width = single ? 4 : 8;
        out.writeByte(width);
        out.writeInt(length);
        byte[] buffer = scratch();
        int piece = buffer.length / width;
        for (int from = 0; from < length; from += piece) {
            int n = Math.min(piece, length - from);
            ByteBuffer view = ByteBuffer.wrap(buffer, 0, n * width).order(ByteOrder.LITTLE_ENDIAN);
            if (single) {
                view.asFloatBuffer().put((float[]) gradient, from, n);
            } else {
                view.asDoubleBuffer().put((double[]) gradient, from, n);
            }
            out.write(buffer, 0, n * width);
        }
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
        if (length < 0 || (width != 4 && width != 8)) {
            throw new IOException("Malformed partial gradient: " + length + " values of " + width + " bytes");
        }
        Object g = width == 4 ? new float[length] : new double[length];
        byte[] buffer = scratch();
        int piece = buffer.length / width;
        for (int from = 0; from < length; from += piece) {
            int n = Math.min(piece, length - from);
            in.readFully(buffer, 0, n * width);
            ByteBuffer view = ByteBuffer.wrap(buffer, 0, n * width).order(ByteOrder.LITTLE_ENDIAN);
            if (width == 4) {
                view.asFloatBuffer().get((float[]) g, from, n);
            } else {
                view.asDoubleBuffer().get((double[]) g, from, n);
            }
        }
        gradient = g;
    }

    /** A per-thread 1 MiB byte buffer the values are streamed through (no size limit, no int overflow). */
    private static byte[] scratch() {
        byte[] b = SCRATCH.get();
        if (b == null) {
            b = new byte[1 << 20];
            SCRATCH.set(b);
        }
        return b;
    }
}
