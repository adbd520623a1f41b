package io.github.vaespark.train.barrier;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A task's opening message on a TCP exchange connection, as read by the driver: the hub it wants
 * to join, the hub's token, and which partition of which stage attempt it is, with the width of
 * its numbers. {@link #parse} accepts only a well-formed message.
 */
record Hello(String hubId, byte[] token, int partition, int stageAttempt, int width) {
    /** Largest hello body accepted; anything longer is not a task of this project. */
    static final int MAX_BYTES = 4096;

    /** Parses a hello body (without its length prefix). */
    static Hello parse(ByteBuffer body) throws IOException {
        try {
            if (body.getInt() != Wire.MAGIC || body.getInt() != Wire.VERSION) {
                throw new IOException("not a vae-spark exchange hello (magic or version)");
            }
            String hubId = Wire.getString(body, 256);
            int tokenLength = body.getInt();
            if (tokenLength < 0 || tokenLength > body.remaining()) {
                throw new IOException("malformed token");
            }
            byte[] token = new byte[tokenLength];
            body.get(token);
            return new Hello(hubId, token, body.getInt(), body.getInt(), body.getInt());
        } catch (java.nio.BufferUnderflowException e) {
            throw new IOException("truncated hello");
        }
    }
}
