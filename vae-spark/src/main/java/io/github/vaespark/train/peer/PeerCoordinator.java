package io.github.vaespark.train.peer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's part of the peer exchange, off the data path of the steps: at an epoch's start it
 * tells every task the addresses of the others (each task registers its own), and at the end it
 * receives every task's shard state. A stage attempt's tasks only meet each other; when Spark
 * retries the stage, the new attempt registers anew. Any attempt whose tasks all delivered gives
 * the same shards (the epoch is deterministic), so the engine takes any complete one. Only
 * connections that register with the epoch's random token within 10 s are kept; shards travel as
 * plain numbers with bounded lengths.
 */
final class PeerCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCoordinator.class);
    static final int REGISTER = 1;
    static final int RESULT = 2;
    /** A connection that does not register within this time is dropped. */
    private static final int HELLO_TIMEOUT_MILLIS = 10_000;

    private final ServerSocket server;
    private final Thread acceptor;
    private volatile boolean closed;
    // Guarded by this.
    private long token;
    private int tasks;
    private volatile int maxLength;
    private final Map<Integer, Map<Integer, String>> addresses = new HashMap<>();
    private final Map<Integer, Map<Integer, ShardResult>> results = new HashMap<>();

    private PeerCoordinator(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "vae-spark peer coordinator");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on {@code bindAddress}:{@code port} (0: any free port). */
    static PeerCoordinator start(String bindAddress, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 256);
        return new PeerCoordinator(s);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Starts an epoch: only tasks with this token are answered. */
    synchronized void beginEpoch(long epochToken, int numTasks, int numParams, int stepsPerEpoch) {
        maxLength = Math.max(numParams, stepsPerEpoch);
        token = epochToken;
        tasks = numTasks;
        addresses.clear();
        results.clear();
    }

    /** The shards of an attempt whose every task delivered, in partition order; null if none did. */
    synchronized List<ShardResult> completeResults() {
        for (Map<Integer, ShardResult> attempt : results.values()) {
            if (attempt.size() == tasks) {
                return new ArrayList<>(new TreeMap<>(attempt).values());
            }
        }
        return null;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "vae-spark peer coordinator connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("vae-spark: peer coordinator stopped accepting: {}", e.toString());
                }
                return;
            }
        }
    }

    /** One task's connection: registration, the others' addresses, later its shard. */
    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(HELLO_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            if (in.readInt() != REGISTER) {
                return;
            }
            long theirs = in.readLong();
            int attempt = in.readInt();
            int partition = in.readInt();
            String address = in.readUTF();
            List<String> all = register(theirs, attempt, partition, address);
            if (all == null) {
                return;
            }
            out.writeInt(all.size());
            for (String a : all) {
                out.writeUTF(a);
            }
            out.flush();
            s.setSoTimeout(0);
            if (in.readInt() != RESULT) {
                return;
            }
            ShardResult result = ShardResult.read(in, maxLength);
            synchronized (this) {
                if (theirs == token) {
                    results.computeIfAbsent(attempt, a -> new HashMap<>()).put(partition, result);
                }
            }
            out.writeInt(RESULT);
            out.flush();
        } catch (IOException | InterruptedException e) {
            // A task that fails is retried by Spark with its whole stage; nothing to keep.
            LOG.debug("vae-spark: peer coordinator connection ended: {}", e.toString());
        }
    }

    /** Waits until every task of the attempt registered; their addresses in partition order, or null. */
    private synchronized List<String> register(long theirs, int attempt, int partition, String address)
            throws InterruptedException {
        if (theirs != token) {
            return null;
        }
        Map<Integer, String> byPartition = addresses.computeIfAbsent(attempt, a -> new TreeMap<>());
        byPartition.put(partition, address);
        notifyAll();
        while (!closed && theirs == token && byPartition.size() < tasks) {
            wait(1000);
        }
        return closed || theirs != token ? null : new ArrayList<>(byPartition.values());
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            notifyAll();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * A task's side: register, receive the addresses, later deliver the shard. While it waits for the
     * others to register it looks every second whether its task was killed: when Spark gives up a
     * stage attempt (a task or an executor lost), it only marks the other tasks as killed, and a task
     * that went on waiting would hold its slot, and so the retry, until the timeout.
     */
    static final class Client implements AutoCloseable {
        /** How often a task waiting for the others looks whether it was killed. */
        static final int POLL_MILLIS = 1000;
        private final Socket socket;
        private final BufferedInputStream buffered;
        private final DataInputStream in;
        private final DataOutputStream out;
        private final int timeoutMillis;

        Client(String host, int port, int timeoutMillis) throws IOException {
            this.timeoutMillis = timeoutMillis;
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            buffered = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            in = new DataInputStream(buffered);
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        }

        /**
         * Registers this task's address and returns every task's, in partition order; {@code check}
         * runs about every second while the others have not all registered (it throws to give up).
         */
        List<String> register(long token, int attempt, int partition, String address, PeerMesh.Check check)
                throws IOException {
            out.writeInt(REGISTER);
            out.writeLong(token);
            out.writeInt(attempt);
            out.writeInt(partition);
            out.writeUTF(address);
            out.flush();
            awaitReply(check);
            int n = in.readInt();
            List<String> all = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                all.add(in.readUTF());
            }
            return all;
        }

        /** Waits until the reply's first byte arrives (none consumed), running {@code check} between polls. */
        private void awaitReply(PeerMesh.Check check) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            socket.setSoTimeout(POLL_MILLIS);
            try {
                while (true) {
                    buffered.mark(1);
                    try {
                        if (buffered.read() < 0) {
                            throw new java.io.EOFException("The driver closed the peer exchange's registration");
                        }
                        buffered.reset();
                        return;
                    } catch (SocketTimeoutException e) {
                        check.run();
                        if (timeoutMillis > 0 && System.nanoTime() - deadline > 0) {
                            throw new SocketTimeoutException("The other tasks of the peer exchange did not register "
                                    + "with the driver within " + timeoutMillis / 1000 + " s");
                        }
                    }
                }
            } finally {
                socket.setSoTimeout(timeoutMillis);
            }
        }

        /** Sends the shard and waits until the driver has it. */
        void deliver(ShardResult result) throws IOException {
            socket.setSoTimeout(0);
            out.writeInt(RESULT);
            out.flush();
            result.write(out);
            out.flush();
            if (in.readInt() != RESULT) {
                throw new IOException("The driver did not acknowledge the shard");
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
