package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The TCP format of the exchange. A task opens with a hello (hub id, token, partition, attempt)
 * and the driver answers with a status and the segment layout. Then the driver streams the
 * initial weights and, per tick, an (epoch, step) header followed by the weight segments it
 * publishes during that tick; the task streams, per tick, its gradient segments (if it has rows in
 * that step) and a trailer with loss sums and computation time. Both sides know every length, so
 * the streams carry no framing. Numbers are little-endian.
 */
final class Wire {
    static final int MAGIC = 0x56414558; // "VAEX"
    static final int VERSION = 1;
    static final int OK = 0;
    static final int REFUSED = 1;
    static final int TRAILER_BYTES = 32;
    static final int HEADER_BYTES = 8;
    /** Bytes of the buffer each exchange thread streams ranges through (any parameter count fits). */
    static final int STREAM_BUFFER_BYTES = 1 << 20;

    private Wire() {
    }

    /** A direct little-endian buffer. */
    static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads exactly {@code bytes} bytes into the cleared buffer and flips it for reading. */
    static ByteBuffer readFully(ReadableByteChannel channel, ByteBuffer buffer, int bytes) throws IOException {
        buffer.clear().limit(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("The exchange connection was closed");
            }
        }
        return buffer.flip();
    }

    /** A buffer for streaming ranges and headers: {@link #STREAM_BUFFER_BYTES}. */
    static ByteBuffer streamBuffer() {
        return buffer(STREAM_BUFFER_BYTES);
    }

    /** Sends {@code array[from, to)}, in pieces that fit the buffer. */
    @SuppressWarnings("unchecked")
    static <A> void sendRange(WritableByteChannel channel, ByteBuffer buffer, Kernels<A> kernels, Object array,
                              int from, int to) throws IOException {
        int piece = buffer.capacity() / kernels.precision().bytes();
        for (int start = from; start < to; start += piece) {
            int end = Math.min(to, start + piece);
            buffer.clear();
            kernels.put((A) array, start, end, buffer);
            writeFully(channel, buffer.flip());
        }
    }

    /** Receives {@code array[from, to)}, in pieces that fit the buffer. */
    @SuppressWarnings("unchecked")
    static <A> void receiveRange(ReadableByteChannel channel, ByteBuffer buffer, Kernels<A> kernels, Object array,
                                 int from, int to) throws IOException {
        int width = kernels.precision().bytes();
        int piece = buffer.capacity() / width;
        for (int start = from; start < to; start += piece) {
            int end = Math.min(to, start + piece);
            readFully(channel, buffer, (end - start) * width);
            kernels.get(buffer, (A) array, start, end);
        }
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    static String getString(ByteBuffer b, int maxBytes) throws IOException {
        int n = b.getInt();
        if (n < 0 || n > maxBytes || n > b.remaining()) {
            throw new IOException("Malformed exchange message");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void putTrailer(ByteBuffer b, LossSums loss, long computeNanos) {
        b.putDouble(loss.reconstruction()).putDouble(loss.kl()).putLong(loss.rows()).putLong(computeNanos);
    }
}
