package io.github.vaespark.train.peer;

import io.github.vaespark.nn.LossSums;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What one task of a peer-exchange epoch delivers to the driver (as plain numbers, {@link #write}): its shard's weights and Adam
 * moments after the epoch's last step, its own loss sums of every step, and where its time went.
 *
 * @param stepsDone     steps applied (fewer than the epoch's when training diverged)
 * @param diverged      "loss" or "gradient" when the step after {@code stepsDone} was not finite, else null
 * @param computeNanos  per step: this task's gradient computation
 * @param updateNanos   per step: summing its shard's pieces and Adam on the shard
 * @param stepNanos     per step: from the start of the computation to the last shard's weights received
 * @param setupNanos    from the task's start to its first step (addresses, connections, starting state)
 */
record ShardResult(int partition, int from, double[] params, double[] firstMoment, double[] secondMoment,
                   int stepsDone, String diverged, LossSums[] loss, long[] computeNanos, long[] updateNanos,
                   long[] stepNanos, long setupNanos) {

    /** Writes the result as plain numbers (no Java serialisation crosses the network). */
    void write(DataOutputStream out) throws IOException {
        out.writeInt(partition);
        out.writeInt(from);
        writeDoubles(out, params);
        writeDoubles(out, firstMoment);
        writeDoubles(out, secondMoment);
        out.writeInt(stepsDone);
        out.writeUTF(diverged == null ? "" : diverged);
        out.writeInt(loss.length);
        for (LossSums l : loss) {
            out.writeBoolean(l != null);
            if (l != null) {
                out.writeDouble(l.reconstruction());
                out.writeDouble(l.kl());
                out.writeLong(l.rows());
            }
        }
        writeLongs(out, computeNanos);
        writeLongs(out, updateNanos);
        writeLongs(out, stepNanos);
        out.writeLong(setupNanos);
    }

    /** Reads what {@link #write} wrote; lengths above {@code maxLength} are refused. */
    static ShardResult read(DataInputStream in, int maxLength) throws IOException {
        int partition = in.readInt();
        int from = in.readInt();
        double[] params = readDoubles(in, maxLength);
        double[] m = readDoubles(in, maxLength);
        double[] v = readDoubles(in, maxLength);
        int stepsDone = in.readInt();
        String diverged = in.readUTF();
        LossSums[] loss = new LossSums[checked(in.readInt(), maxLength)];
        for (int i = 0; i < loss.length; i++) {
            if (in.readBoolean()) {
                loss[i] = new LossSums(in.readDouble(), in.readDouble(), in.readLong());
            }
        }
        return new ShardResult(partition, from, params, m, v, stepsDone, diverged.isEmpty() ? null : diverged, loss,
                readLongs(in, maxLength), readLongs(in, maxLength), readLongs(in, maxLength), in.readLong());
    }

    private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static double[] readDoubles(DataInputStream in, int maxLength) throws IOException {
        double[] values = new double[checked(in.readInt(), maxLength)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    private static long[] readLongs(DataInputStream in, int maxLength) throws IOException {
        long[] values = new long[checked(in.readInt(), maxLength)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    private static int checked(int length, int maxLength) throws IOException {
        if (length < 0 || length > maxLength) {
            throw new IOException("A shard result announced " + length + " values (at most " + maxLength + ")");
        }
        return length;
    }
}
