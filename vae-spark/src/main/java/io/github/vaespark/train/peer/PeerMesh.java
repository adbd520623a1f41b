package io.github.vaespark.train.peer;

import io.github.vaespark.nn.BackwardListener;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.train.GradientRounding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tasks of a peer exchange, each connected to every other, and one task's side of a step:
 * <ol>
 *   <li>reduce-scatter: while the backward pass finishes the gradient's tail, each finished piece
 *       of another task's shard is sent to that task; then a message with the task's loss sums
 *       ({@link #tails}, {@link #finishGradient});</li>
 *   <li>the pieces of the own shard from every task, in partition order ({@link #awaitPieces});</li>
 *   <li>all-gather: the shard's new weights to every task ({@link #publish}), and every other
 *       shard's into the weights the next step computes with ({@link #awaitWeights}).</li>
 * </ol>
 * Each task sends and receives about 2·(N−1)/N of the parameter vector per step. No Spark here:
 * tests run meshes of threads.
 */
final class PeerMesh<A> implements AutoCloseable {
    private static final byte PIECE = 1;
    private static final byte DONE = 2;
    private static final byte WEIGHTS = 3;
    private static final long DRAIN_MILLIS = 10_000;
    private static final int HELLO_TIMEOUT_MILLIS = 10_000;
    /** How often a task waiting for the others' connections looks whether it was killed. */
    private static final int ACCEPT_POLL_MILLIS = 1000;

    /** Called while waiting, to notice that the task was killed. */
    @FunctionalInterface
    interface Check {
        void run();
    }

    /** The pieces of the own shard (null for tasks without rows in the step) and every task's loss sums. */
    record Pieces<A>(A[] pieces, LossSums[] losses) {
    }

    private final int self;
    private final Shards shards;
    private final Kernels<A> kernels;
    private final A weights;
    private final PeerLink[] links;
    private final A[] received;
    private final int elementBytes;
    /**
     * How gradient pieces are rounded and sent (weights always go in the training width); every
     * piece, the own one too, is delivered rounded, so the shard's sum needs no rounding of its own.
     */
    private final GradientRounding rounding;
    private final long timeoutNanos;
    private final int[] sentFrom;

    // Guarded by this: what arrived for the ticks of each parity (peers run at most one tick ahead).
    private final int[] dones = new int[2];
    private final int[] weightsIn = new int[2];
    private final boolean[][] doneFrom;
    private final boolean[][] weightsFrom;
    private final boolean[][] empty;
    private final LossSums[][] losses;
    private final boolean[] allFinite = {true, true};
    /** Per peer: why its link ended (also a peer's orderly close after its last step), or null. */
    private final Throwable[] linkEnded;

    private boolean ownEmpty;
    private LossSums ownLoss;

    @SuppressWarnings("unchecked")
    private PeerMesh(int self, Shards shards, Kernels<A> kernels, A weights, PeerLink[] links,
                     GradientRounding rounding, long timeoutMillis) {
        int n = shards.count();
        this.self = self;
        this.shards = shards;
        this.kernels = kernels;
        this.weights = weights;
        this.links = links;
        this.received = (A[]) new Object[n];
        for (int p = 0; p < n; p++) {
            received[p] = kernels.allocate(shards.length(self));
        }
        this.elementBytes = kernels.precision().bytes();
        this.rounding = rounding;
        this.timeoutNanos = timeoutMillis <= 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.sentFrom = new int[n];
        this.doneFrom = new boolean[2][n];
        this.weightsFrom = new boolean[2][n];
        this.empty = new boolean[2][n];
        this.losses = new LossSums[2][n];
        this.linkEnded = new Throwable[n];
    }

    /**
     * Connects task {@code self} to the others: it connects to every lower-numbered task's address and
     * accepts the higher-numbered ones on {@code server} (already listening at {@code addresses[self]}).
     *
     * @param token         a number shared only by the tasks of one stage attempt; strays are refused
     * @param weights       the array the task computes with; other shards' new weights are written into it
     * @param timeoutMillis how long to wait for connections, and for any message a step waits for (0: no bound)
     * @param check         runs about every second while waiting for connections (throws to give up)
     */
    static <A> PeerMesh<A> connect(int self, List<InetSocketAddress> addresses, ServerSocket server, long token,
                                   Kernels<A> kernels, A weights, GradientRounding rounding, long timeoutMillis,
                                   Check check) throws IOException {
        int n = addresses.size();
        PeerLink[] links = new PeerLink[n];
        try {
            for (int q = 0; q < self; q++) {
                Socket s = new Socket();
                s.connect(addresses.get(q), (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
                links[q] = new PeerLink(self, q, PeerLink.tuned(s));
                links[q].output().writeLong(token);
                links[q].output().writeInt(self);
                links[q].output().flush();
            }
            server.setSoTimeout(ACCEPT_POLL_MILLIS);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            for (int accepted = 0; accepted < n - 1 - self; accepted++) {
                Socket s;
                try {
                    s = PeerLink.tuned(server.accept());
                } catch (SocketTimeoutException e) {
                    if (timeoutMillis > 0 && System.nanoTime() - deadline > 0) {
                        throw new IOException("Peer exchange: task " + self + " waited " + timeoutMillis / 1000
                                + " s for connections from tasks " + missing(links, self + 1, n), e);
                    }
                    check.run();
                    accepted--;
                    continue;
                }
                long theirs;
                int q;
                try {
                    s.setSoTimeout(HELLO_TIMEOUT_MILLIS);
                    DataInputStream hello = new DataInputStream(s.getInputStream());
                    theirs = hello.readLong();
                    q = hello.readInt();
                    s.setSoTimeout(0);
                } catch (IOException e) {
                    theirs = ~token;
                    q = -1;
                }
                if (theirs != token || q <= self || q >= n || links[q] != null) {
                    s.close();  // a stranger, or a connection that said nothing in time
                    accepted--;
                    continue;
                }
                links[q] = new PeerLink(self, q, s);
            }
        } catch (IOException | RuntimeException e) {
            for (PeerLink l : links) {
                if (l != null) {
                    l.close();
                }
            }
            throw e;
        }
        PeerMesh<A> mesh = new PeerMesh<>(self, new Shards(kernels.length(weights), n), kernels, weights, links,
                rounding, timeoutMillis);
        for (int q = 0; q < n; q++) {
            if (q != self) {
                links[q].start(self, mesh.receiver());
            }
        }
        return mesh;
    }

    private static String missing(PeerLink[] links, int from, int to) {
        List<Integer> m = new ArrayList<>();
        for (int q = from; q < to; q++) {
            if (links[q] == null) {
                m.add(q);
            }
        }
        return m.toString();
    }

    Shards shards() {
        return shards;
    }

    /**
     * A backward-pass listener for step {@code tick} that sends each other task the newly final
     * part of its shard of {@code gradient} (the task's gradient sum, final from the index told on).
     */
    BackwardListener tails(int tick, A gradient) {
        for (int q = 0; q < shards.count(); q++) {
            sentFrom[q] = shards.to(q);
        }
        return from -> sendTail(tick, gradient, from);
    }

    private void sendTail(int tick, A gradient, int from) {
        for (int q = 0; q < shards.count(); q++) {
            int a = Math.max(shards.from(q), from);
            int b = sentFrom[q];
            if (q == self || a >= b) {
                continue;
            }
            sentFrom[q] = a;
            int offset = a - shards.from(q);
            links[q].send((out, scratch) -> {
                out.writeByte(PIECE);
                out.writeInt(tick);
                out.writeInt(offset);
                out.writeInt(b - a);
                writeElements(out, gradient, a, b, scratch, rounding);
            });
        }
    }

    /**
     * Ends the task's part of the reduce-scatter of step {@code tick}: sends what the backward pass
     * had not yet reported final, then the loss sums.
     *
     * @param gradient the task's gradient sum, or null when it had no rows in the step
     */
    void finishGradient(int tick, A gradient, LossSums loss) {
        ownEmpty = gradient == null;
        ownLoss = loss;
        if (gradient != null) {
            sendTail(tick, gradient, 0);
            System.arraycopy(gradient, shards.from(self), received[self], 0, shards.length(self));
            rounding.roundInPlace(received[self], 0, shards.length(self));
        }
        sendToOthers((out, scratch) -> {
            out.writeByte(DONE);
            out.writeInt(tick);
            out.writeBoolean(gradient == null);
            out.writeDouble(loss.reconstruction());
            out.writeDouble(loss.kl());
            out.writeLong(loss.rows());
        });
    }

    /** Waits for every task's pieces of the own shard for step {@code tick}. */
    @SuppressWarnings("unchecked")
    synchronized Pieces<A> awaitPieces(int tick, Check check) {
        int parity = tick & 1;
        awaitAll(dones, doneFrom, parity, check, "gradient pieces", tick);
        int n = shards.count();
        A[] pieces = (A[]) new Object[n];
        LossSums[] l = new LossSums[n];
        for (int p = 0; p < n; p++) {
            boolean none = p == self ? ownEmpty : empty[parity][p];
            pieces[p] = none ? null : received[p];
            l[p] = p == self ? ownLoss : losses[parity][p];
        }
        return new Pieces<>(pieces, l);
    }

    /** Makes {@code shardWeights} (the own shard's new weights) the task's and sends them to every task. */
    void publish(int tick, A shardWeights, boolean finite) {
        int from = shards.from(self);
        int to = shards.to(self);
        System.arraycopy(shardWeights, 0, weights, from, to - from);
        synchronized (this) {
            allFinite[tick & 1] &= finite;
        }
        sendToOthers((out, scratch) -> {
            out.writeByte(WEIGHTS);
            out.writeInt(tick);
            out.writeBoolean(finite);
            out.writeInt(to - from);
            writeElements(out, weights, from, to, scratch, GradientRounding.NONE);
        });
    }

    /** Queues the same message to every other task. */
    private void sendToOthers(PeerLink.Message m) {
        for (int q = 0; q < shards.count(); q++) {
            if (q != self) {
                links[q].send(m);
            }
        }
    }

    /**
     * Waits for every other shard's weights of step {@code tick}.
     *
     * @return whether every shard's gradient was finite
     */
    synchronized boolean awaitWeights(int tick, Check check) {
        int parity = tick & 1;
        awaitAll(weightsIn, weightsFrom, parity, check, "weights", tick);
        boolean finite = allFinite[parity];
        // Nothing of tick + 2 can arrive before this task sends its pieces of tick + 2.
        dones[parity] = 0;
        weightsIn[parity] = 0;
        allFinite[parity] = true;
        java.util.Arrays.fill(doneFrom[parity], false);
        java.util.Arrays.fill(weightsFrom[parity], false);
        return finite;
    }

    private void awaitAll(int[] counts, boolean[][] from, int parity, Check check, String what, int tick) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (counts[parity] < shards.count() - 1) {
            for (int q = 0; q < shards.count(); q++) {
                if (q != self && !from[parity][q] && linkEnded[q] != null) {
                    throw new IllegalStateException("Peer exchange: task " + self + " lost its link to task " + q
                            + " while waiting for its " + what + " of step " + tick + ": " + linkEnded[q],
                            linkEnded[q]);
                }
            }
            check.run();
            if (System.nanoTime() - deadline > 0) {
                List<Integer> late = new ArrayList<>();
                for (int q = 0; q < shards.count(); q++) {
                    if (q != self && !from[parity][q]) {
                        late.add(q);
                    }
                }
                throw new IllegalStateException("Peer exchange: task " + self + " received no " + what + " of step "
                        + tick + " from tasks " + late + " within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                        + " s (spark.vaespark.exchange.stepTimeout)");
            }
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Peer exchange interrupted", e);
            }
        }
    }

    private PeerLink.Receiver receiver() {
        return new PeerLink.Receiver() {
            @Override
            public void receive(int peer, DataInputStream in, byte[] scratch) throws IOException {
                byte type = in.readByte();
                int tick = in.readInt();
                int parity = tick & 1;
                switch (type) {
                    case PIECE -> {
                        int offset = in.readInt();
                        int count = in.readInt();
                        readElements(in, received[peer], offset, offset + count, scratch, rounding);
                    }
                    case DONE -> {
                        boolean none = in.readBoolean();
                        LossSums loss = new LossSums(in.readDouble(), in.readDouble(), in.readLong());
                        synchronized (PeerMesh.this) {
                            empty[parity][peer] = none;
                            losses[parity][peer] = loss;
                            doneFrom[parity][peer] = true;
                            dones[parity]++;
                            PeerMesh.this.notifyAll();
                        }
                    }
                    case WEIGHTS -> {
                        boolean finite = in.readBoolean();
                        int count = in.readInt();
                        int from = shards.from(peer);
                        if (count != shards.length(peer)) {
                            throw new IOException("Peer exchange: task " + peer + " sent " + count
                                    + " weights for a shard of " + shards.length(peer));
                        }
                        readElements(in, weights, from, from + count, scratch, GradientRounding.NONE);
                        synchronized (PeerMesh.this) {
                            allFinite[parity] &= finite;
                            weightsFrom[parity][peer] = true;
                            weightsIn[parity]++;
                            PeerMesh.this.notifyAll();
                        }
                    }
                    default -> throw new IOException("Peer exchange: unknown message " + type + " from task " + peer);
                }
            }

            @Override
            public void failed(int peer, Throwable cause) {
                synchronized (PeerMesh.this) {
                    if (linkEnded[peer] == null) {
                        linkEnded[peer] = cause;
                    }
                    PeerMesh.this.notifyAll();
                }
            }
        };
    }

    private void writeElements(DataOutputStream out, A values, int from, int to, byte[] scratch, GradientRounding r)
            throws IOException {
        int perChunk = scratch.length / r.wireBytes(elementBytes);
        ByteBuffer buffer = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
        for (int a = from; a < to; a += perChunk) {
            int b = Math.min(to, a + perChunk);
            buffer.clear();
            r.write(kernels, values, a, b, buffer);
            out.write(scratch, 0, buffer.position());
        }
    }

    private void readElements(DataInputStream in, A target, int from, int to, byte[] scratch, GradientRounding r)
            throws IOException {
        int bytes = r.wireBytes(elementBytes);
        int perChunk = scratch.length / bytes;
        ByteBuffer buffer = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
        for (int a = from; a < to; a += perChunk) {
            int b = Math.min(to, a + perChunk);
            in.readFully(scratch, 0, (b - a) * bytes);
            buffer.clear();
            r.read(kernels, buffer, target, a, b);
        }
    }

    /** Lets queued messages go out (a few seconds at most when a link is stuck), then closes every link. */
    @Override
    public void close() {
        for (int q = 0; q < links.length; q++) {
            if (links[q] != null) {
                boolean ended;
                synchronized (this) {
                    ended = linkEnded[q] != null;
                }
                links[q].close(ended ? 0 : DRAIN_MILLIS);
            }
        }
    }
}
