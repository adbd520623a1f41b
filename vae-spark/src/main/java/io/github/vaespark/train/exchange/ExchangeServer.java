package io.github.vaespark.train.exchange;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's TCP endpoint for tasks on other JVMs. Each accepted connection authenticates
 * against a registered hub ({@link ExchangeHubs}) and then joins it as a participant on the task's
 * behalf: one thread reads the task's gradient segments into a driver-side array and delivers
 * them, another sends the weight segments the driver publishes.
 */
public final class ExchangeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeServer.class);
    private static final int MAX_HELLO = 4096;

    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ExchangeServer(ServerSocketChannel server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "vae-spark-exchange-server");
        acceptor.setDaemon(true);
    }

    /** Listens on {@code bindHost:port} (port 0: any free port). */
    public static ExchangeServer start(String bindHost, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(bindHost, port), 64);
        } catch (IOException e) {
            channel.close();
            throw new IOException("Cannot listen for the training exchange on " + bindHost + ":" + port
                    + " (spark.vaespark.exchange.port)", e);
        }
        ExchangeServer s = new ExchangeServer(channel);
        s.acceptor.start();
        return s;
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connections.add(c);
                Thread t = new Thread(() -> serve(c), "vae-spark-exchange-" + c.socket().getPort() + "-in");
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("vae-spark: accepting an exchange connection failed", e);
                }
            }
        }
    }

    /** One task's connection: hello, then its gradients (this thread) and its weights (a second thread). */
    private void serve(SocketChannel channel) {
        Thread out = null;
        try {
            ExchangeHub.Participant participant = handshake(channel);
            if (participant != null) {
                out = new Thread(() -> sendWeights(channel, participant),
                        "vae-spark-exchange-" + channel.socket().getPort() + "-out");
                out.setDaemon(true);
                out.start();
                receiveGradients(channel, participant);
                out.join(); // until the END header is sent
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!closed && !(e instanceof ExchangeHub.GoneException)) {
                LOG.info("vae-spark: exchange connection {} ended: {}", channel.socket().getRemoteSocketAddress(),
                        e.toString());
            }
        } finally {
            close(channel);
        }
    }

    /** Reads and checks the task's hello and joins its hub; null (after telling the task why) if refused. */
    private ExchangeHub.Participant handshake(SocketChannel channel) throws IOException {
        int length = Wire.readFully(channel, Wire.buffer(4), 4).getInt();
        if (length < 0 || length > MAX_HELLO) {
            return null;
        }
        ByteBuffer hello = Wire.readFully(channel, Wire.buffer(length), length);
        if (hello.getInt() != Wire.MAGIC || hello.getInt() != Wire.VERSION) {
            return null;
        }
        String hubId = Wire.getString(hello, 256);
        int tokenLength = hello.getInt();
        if (tokenLength < 0 || tokenLength > hello.remaining()) {
            return null;
        }
        byte[] token = new byte[tokenLength];
        hello.get(token);
        int partition = hello.getInt();
        int stageAttempt = hello.getInt();
        int width = hello.getInt();

        ExchangeHub hub = ExchangeHubs.authenticated(hubId, token);
        if (hub == null) {
            refuse(channel, "unknown training exchange or wrong token (a task of a finished fit?)");
            return null;
        }
        if (width != hub.kernels().precision().bytes()) {
            refuse(channel, "precision mismatch");
            return null;
        }
        ExchangeHub.Participant participant;
        try {
            participant = hub.join(partition, stageAttempt, hub.kernels().allocate(hub.segments().numParams()));
        } catch (RuntimeException e) {
            refuse(channel, e.getMessage());
            return null;
        }
        int[] starts = hub.segments().starts();
        ByteBuffer reply = Wire.buffer(16 + 4 * starts.length);
        reply.putInt(Wire.OK).putInt(8 + 4 * starts.length).putInt(hub.segments().numParams()).putInt(starts.length);
        for (int s : starts) {
            reply.putInt(s);
        }
        Wire.writeFully(channel, reply.flip());
        return participant;
    }

    private static void refuse(SocketChannel channel, String why) throws IOException {
        ByteBuffer reply = Wire.buffer(MAX_HELLO);
        ByteBuffer message = Wire.buffer(MAX_HELLO - 16);
        Wire.putString(message, why.length() > 1000 ? why.substring(0, 1000) : why);
        message.flip();
        reply.putInt(Wire.REFUSED).putInt(message.remaining()).put(message);
        Wire.writeFully(channel, reply.flip());
    }

    private ExchangeHub.Check checkOpen(SocketChannel channel) {
        return () -> {
            if (!channel.isOpen()) {
                throw new ExchangeHub.GoneException("The exchange connection was closed", null);
            }
        };
    }

    /** Reads the task's gradient segments and trailers, tick by tick, and delivers them to the hub. */
    private void receiveGradients(SocketChannel channel, ExchangeHub.Participant participant) throws IOException {
        ExchangeHub hub = participant.hub();
        Kernels<?> kernels = hub.kernels();
        Segments segments = hub.segments();
        Object partial = hub.partial(participant.partition());
        ByteBuffer buffer = Wire.buffer(Math.max(Wire.TRAILER_BYTES, segments.numParams() * kernels.precision().bytes()));
        ExchangeHub.Check check = checkOpen(channel);
        for (int t = 0; ; t++) {
            Tick tick = participant.awaitTick(t, check);
            if (tick.isEnd()) {
                return;
            }
            if (hub.contributes().contributes(participant.partition(), tick.step())) {
                for (int k = 0; k < segments.count(); k++) {
                    Wire.receiveRange(channel, buffer, kernels, partial, segments.from(k), segments.to(k));
                    if (k < segments.count() - 1) {
                        participant.deliver(t, k + 1);
                    }
                }
            }
            ByteBuffer trailer = Wire.readFully(channel, buffer, Wire.TRAILER_BYTES);
            LossSums loss = new LossSums(trailer.getDouble(), trailer.getDouble(), trailer.getLong());
            participant.finish(t, loss, trailer.getLong());
        }
    }

    /** Sends the initial weights, then per tick its header and the weight segments as they are published. */
    private void sendWeights(SocketChannel channel, ExchangeHub.Participant participant) {
        ExchangeHub hub = participant.hub();
        Kernels<?> kernels = hub.kernels();
        Segments segments = hub.segments();
        ByteBuffer buffer = Wire.buffer(segments.numParams() * kernels.precision().bytes());
        ExchangeHub.Check check = checkOpen(channel);
        try {
            Object weights = participant.awaitReady(check);
            Wire.sendRange(channel, buffer, kernels, weights, 0, segments.numParams());
            for (int t = 0; ; t++) {
                Tick tick = participant.awaitTick(t, check);
                buffer.clear();
                buffer.putInt(tick.epoch()).putInt(tick.step());
                Wire.writeFully(channel, buffer.flip());
                if (tick.isEnd()) {
                    return;
                }
                for (int k = 0; k < segments.count(); k++) {
                    participant.awaitPublished((long) t * segments.count() + k + 1, check);
                    Wire.sendRange(channel, buffer, kernels, weights, segments.from(k), segments.to(k));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed && !(e instanceof ExchangeHub.GoneException)) {
                LOG.info("vae-spark: sending weights to {} ended: {}", channel.socket().getRemoteSocketAddress(),
                        e.toString());
            }
            close(channel);
        }
    }

    private void close(SocketChannel channel) {
        connections.remove(channel);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (SocketChannel c : connections) {
            close(c);
        }
    }
}
