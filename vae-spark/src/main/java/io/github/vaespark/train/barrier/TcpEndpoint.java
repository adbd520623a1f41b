package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A task on an executor, talking to the driver's {@link ExchangeServer}: a receiver thread writes
 * arriving weight segments into this task's own weights array (a segment arrives only after every
 * partition, this one included, is done with it) and a sender thread ships gradient segments as
 * the backward pass finishes them, so the task's own thread never blocks on the network except
 * when it waits for the next tick.
 */
final class TcpEndpoint implements TaskEndpoint {
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final int MAX_REPLY = 1 << 20;
    private static final java.util.concurrent.atomic.AtomicInteger NAMES = new java.util.concurrent.atomic.AtomicInteger();

    /** What the task thread hands to the sender thread. */
    private record Outgoing(int tick, int segments, LossSums loss, long nanos, boolean finish) {
    }

    private final Link channel;
    private final Kernels<?> kernels;
    private final Segments segments;
    private final Object gradient;
    private final Object weights;
    private final ExchangeHub.Check check;
    private final BlockingQueue<Outgoing> outgoing = new LinkedBlockingQueue<>();
    private final List<Tick> ticks = new ArrayList<>();
    private final Thread receiver;
    private final Thread sender;
    private final long idleTimeoutMillis;
    private volatile Throwable failure;
    private volatile boolean closing;

    private TcpEndpoint(Link channel, Kernels<?> kernels, Segments segments, Object gradient,
                        ExchangeHub.Check check, long idleTimeoutMillis) {
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.channel = channel;
        this.kernels = kernels;
        this.segments = segments;
        this.gradient = gradient;
        this.weights = kernels.allocate(segments.numParams());
        this.check = check;
        String name = "vae-spark-exchange-task-" + NAMES.incrementAndGet();
        this.receiver = new Thread(this::receive, name + "-in");
        this.sender = new Thread(this::send, name + "-out");
        receiver.setDaemon(true);
        sender.setDaemon(true);
    }

    static TcpEndpoint open(ExchangeAddress address, int partition, int stageAttempt, Object gradient,
                            Kernels<?> kernels, ExchangeHub.Check check) {
        Link channel = null;
        try {
            channel = connect(address);
            ByteBuffer hello = Wire.buffer(512 + address.token().length);
            hello.putInt(0).putInt(Wire.MAGIC).putInt(Wire.VERSION);
            Wire.putString(hello, address.hubId());
            hello.putInt(address.token().length).put(address.token());
            hello.putInt(partition).putInt(stageAttempt).putInt(kernels.precision().bytes());
            hello.putInt(0, hello.position() - 4);
            Wire.writeFully(channel.out(), hello.flip());

            ByteBuffer reply = Wire.readFully(channel.in(), Wire.buffer(8), 8);
            int status = reply.getInt();
            int length = reply.getInt();
            if (length < 0 || length > MAX_REPLY) {
                throw new IOException("Malformed reply of " + length + " bytes from the driver's training exchange");
            }
            ByteBuffer body = Wire.readFully(channel.in(), Wire.buffer(Math.max(length, 1)), length);
            if (status != Wire.OK) {
                throw new IllegalStateException("The driver refused the training exchange: "
                        + Wire.getString(body, length));
            }
            int numParams = body.getInt();
            int[] starts = new int[body.getInt()];
            for (int k = 0; k < starts.length; k++) {
                starts[k] = body.getInt();
            }
            TcpEndpoint endpoint = new TcpEndpoint(channel, kernels, Segments.of(numParams, starts), gradient, check,
                    address.idleTimeoutMillis());
            endpoint.receiver.start();
            endpoint.sender.start();
            return endpoint;
        } catch (IOException e) {
            Link.closeQuietly(channel);
            throw new UncheckedIOException("Cannot reach the driver's training exchange at " + address.host() + ":"
                    + address.port() + " (is that port reachable from the executors? see "
                    + "spark.vaespark.exchange.port)", e);
        } catch (RuntimeException e) {
            Link.closeQuietly(channel);
            throw e;
        }
    }

    /** Opens the connection: plain TCP, or TLS checked against the address's trust store. */
    private static Link connect(ExchangeAddress address) throws IOException {
        InetSocketAddress to = new InetSocketAddress(address.host(), address.port());
        if (address.tls() != null) {
            javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) address.tls().clientContext().getSocketFactory()
                    .createSocket();
            try {
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                socket.setSendBufferSize(SOCKET_BUFFER);
                socket.setReceiveBufferSize(SOCKET_BUFFER);
                socket.connect(to, CONNECT_TIMEOUT_MILLIS);
                socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
                socket.startHandshake();
                socket.setSoTimeout(0);
                return Link.tls(socket);
            } catch (IOException | RuntimeException e) {
                Link.closeQuietly(socket);
                throw e;
            }
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            channel.socket().connect(to, CONNECT_TIMEOUT_MILLIS);
            return Link.plain(channel);
        } catch (IOException | RuntimeException e) {
            Link.closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public Segments segments() {
        return segments;
    }

    @Override
    public Object weights() {
        return weights;
    }

    @Override
    public Tick awaitTick(int t) {
        long since = System.nanoTime();
        synchronized (ticks) {
            while (true) {
                if (idleTimeoutMillis > 0 && System.nanoTime() - since > idleTimeoutMillis * 1_000_000L) {
                    throw new IllegalStateException("No instruction from the driver's training exchange for "
                            + idleTimeoutMillis / 1000 + " s (twice spark.vaespark.exchange.stepTimeout)");
                }
                if (failure != null) {
                    throw new IllegalStateException("The training exchange with the driver failed: "
                            + failure.getMessage(), failure);
                }
                if (ticks.size() > t) {
                    return ticks.get(t);
                }
                try {
                    ticks.wait(ExchangeHub.POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the driver", e);
                }
                check.run();
            }
        }
    }

    @Override
    public void deliver(int t, int k) {
        outgoing.add(new Outgoing(t, k, null, 0, false));
    }

    @Override
    public void finish(int t, LossSums loss, long computeNanos, boolean hasGradient) {
        outgoing.add(new Outgoing(t, hasGradient ? segments.count() : 0, loss, computeNanos, true));
    }

    /** Receiver thread: the initial weights, then per tick a header and the weight segments. */
    private void receive() {
        try {
            ByteBuffer buffer = Wire.streamBuffer();
            Wire.receiveRange(channel.in(), buffer, kernels, weights, 0, segments.numParams());
            while (true) {
                ByteBuffer header = Wire.readFully(channel.in(), buffer, Wire.HEADER_BYTES);
                Tick tick = new Tick(header.getInt(), header.getInt());
                synchronized (ticks) {
                    ticks.add(tick);
                    ticks.notifyAll();
                }
                if (tick.isEnd()) {
                    return;
                }
                for (int k = 0; k < segments.count(); k++) {
                    Wire.receiveRange(channel.in(), buffer, kernels, weights, segments.from(k), segments.to(k));
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    /** Sender thread: gradient segments as they are delivered, and each tick's trailer. */
    private void send() {
        int sent = 0;
        try {
            ByteBuffer buffer = Wire.streamBuffer();
            while (true) {
                Outgoing out = outgoing.take();
                for (; sent < out.segments(); sent++) {
                    Wire.sendRange(channel.out(), buffer, kernels, gradient, segments.from(sent), segments.to(sent));
                }
                if (out.finish()) {
                    buffer.clear();
                    Wire.putTrailer(buffer, out.loss(), out.nanos());
                    Wire.writeFully(channel.out(), buffer.flip());
                    sent = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    private void fail(Throwable e) {
        if (!closing && failure == null) {
            failure = e;
        }
        synchronized (ticks) {
            ticks.notifyAll();
        }
    }

    @Override
    public void close() {
        closing = true;
        sender.interrupt();
        channel.close();
    }
}
