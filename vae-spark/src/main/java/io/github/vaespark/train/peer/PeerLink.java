package io.github.vaespark.train.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One TCP connection between two tasks of a peer exchange: a reader thread hands every incoming
 * message to a {@link Receiver}, and a writer thread sends queued messages in order, so that a
 * task never blocks its computation on a slow link and no two tasks deadlock writing to each other.
 */
final class PeerLink implements AutoCloseable {
    private static final int STREAM_BUFFER = 1 << 16;
    /** Bytes converted at a time between arrays and the streams. */
    static final int SCRATCH = 1 << 20;

    /** Reads one message from the peer's stream; told when the link failed. */
    interface Receiver {
        void receive(int peer, DataInputStream in, byte[] scratch) throws IOException;

        void failed(int peer, Throwable cause);
    }

    /** Writes one message to the peer's stream. */
    @FunctionalInterface
    interface Message {
        void write(DataOutputStream out, byte[] scratch) throws IOException;
    }

    private final int peer;
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final ExecutorService writer;
    private final byte[] writeScratch = new byte[SCRATCH];
    private volatile boolean closing;
    private Receiver receiver;

    PeerLink(int self, int peer, Socket socket) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), STREAM_BUFFER));
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), STREAM_BUFFER));
        this.writer = Executors.newSingleThreadExecutor(r -> daemon(r, "vae-spark peer " + self + "->" + peer));
    }

    /** Configures a connected socket for bulk transfers without delaying small messages. */
    static Socket tuned(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        s.setSendBufferSize(4 << 20);
        s.setReceiveBufferSize(4 << 20);
        return s;
    }

    /** Starts the reader thread. */
    void start(int self, Receiver r) {
        this.receiver = r;
        Thread t = daemon(() -> {
            byte[] scratch = new byte[SCRATCH];
            try {
                while (!closing) {
                    r.receive(peer, in, scratch);
                }
            } catch (IOException | RuntimeException e) {
                if (!closing) {
                    r.failed(peer, e);
                }
            }
        }, "vae-spark peer " + self + "<-" + peer);
        t.start();
    }

    /** Queues a message; a failure to write it is reported to the receiver. */
    void send(Message m) {
        writer.execute(() -> {
            try {
                m.write(out, writeScratch);
                out.flush();
            } catch (IOException | RuntimeException e) {
                if (!closing) {
                    receiver.failed(peer, e);
                }
            }
        });
    }

    DataOutputStream output() {
        return out;
    }

    DataInputStream input() {
        return in;
    }

    /**
     * Sends what is queued (waiting at most {@code drainMillis}), then closes the connection. The
     * peer may still be reading the last message, which the writer has handed to the kernel.
     */
    void close(long drainMillis) {
        writer.shutdown();
        try {
            writer.awaitTermination(drainMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    @Override
    public void close() {
        closing = true;
        writer.shutdownNow();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
