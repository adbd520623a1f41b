package io.github.vaespark.train.barrier;

import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's TCP endpoint for tasks on other JVMs.
 *
 * <p>Before a connection has proved that it belongs to a training job it costs almost nothing:
 * one selector thread accepts connections and reads their hellos without blocking, keeps at most
 * {@link #MAX_PENDING} of them (the oldest is dropped first), drops any that has not sent a
 * complete hello within the hello timeout, and refuses malformed hellos and wrong tokens at once
 * (logged at most every few seconds). Only a connection holding its hub's token gets threads: it
 * joins the hub as a participant on the task's behalf, once the driver's own record shows that the
 * stage attempt it claims has been started; one thread reads the task's gradient segments into a
 * driver-side array, another sends the weight segments the driver publishes. An unexpected error
 * in these threads closes the hub with its cause, so the fit ends with it instead of waiting.
 */
public final class ExchangeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeServer.class);
    /** Connections that have not completed their hello yet, at most. */
    static final int MAX_PENDING = 128;
    /** Default time a connection has to send its hello. */
    static final long HELLO_TIMEOUT_MILLIS = 10_000;
    /** How long a claimed stage attempt may wait for the driver's record of it (the listener bus lags). */
    static final long ATTEMPT_WAIT_MILLIS = 10_000;
    static final String WRONG_TOKEN = "unknown training exchange or wrong token (a task of a finished fit?)";

    /** A connection whose hello is still being read. */
    private static final class Pending {
        final SocketChannel channel;
        final ByteBuffer length = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        final long deadline;
        ByteBuffer body;

        Pending(SocketChannel channel, long deadline) {
            this.channel = channel;
            this.deadline = deadline;
        }
    }

    /** Threads that run TLS handshakes and read hellos (TLS mode only). */
    static final int TLS_HANDSHAKE_THREADS = 8;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final javax.net.ssl.SSLServerSocket tlsServer;
    private final java.util.concurrent.ExecutorService handshakes;
    private final java.util.concurrent.Semaphore tlsPending = new java.util.concurrent.Semaphore(MAX_PENDING);
    private final Thread acceptor;
    private final long helloTimeoutNanos;
    private final long attemptWaitMillis;
    private final Map<SocketChannel, Pending> pending = new LinkedHashMap<>();
    private final Set<Link> connections = ConcurrentHashMap.newKeySet();
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, 5_000);
    private volatile boolean closed;

    private ExchangeServer(ServerSocketChannel server, Selector selector, javax.net.ssl.SSLServerSocket tlsServer,
                           long helloTimeoutMillis, long attemptWaitMillis) {
        this.attemptWaitMillis = attemptWaitMillis;
        this.server = server;
        this.selector = selector;
        this.tlsServer = tlsServer;
        java.util.concurrent.atomic.AtomicInteger names = new java.util.concurrent.atomic.AtomicInteger();
        this.handshakes = tlsServer == null ? null : java.util.concurrent.Executors.newFixedThreadPool(
                TLS_HANDSHAKE_THREADS, r -> {
                    Thread t = new Thread(r, "vae-spark-exchange-tls-" + names.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.helloTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(helloTimeoutMillis);
        this.acceptor = new Thread(tlsServer == null ? this::selectLoop : this::tlsAcceptLoop,
                "vae-spark-exchange-server");
        acceptor.setDaemon(true);
    }

    /** Listens on {@code bindHost:port} (port 0: any free port). */
    public static ExchangeServer start(String bindHost, int port) throws IOException {
        return start(bindHost, port, HELLO_TIMEOUT_MILLIS, ATTEMPT_WAIT_MILLIS);
    }

    /**
     * As {@link #start(String, int)}, with the time a connection has to send its hello and the time
     * a claimed stage attempt may wait for the driver's record of it.
     */
    static ExchangeServer start(String bindHost, int port, long helloTimeoutMillis, long attemptWaitMillis)
            throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        Selector selector = null;
        try {
            channel.bind(new InetSocketAddress(bindHost, port), 64);
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw new IOException("Cannot listen for the training exchange on " + bindHost + ":" + port
                    + " (spark.vaespark.exchange.port)", e);
        }
        ExchangeServer s = new ExchangeServer(channel, selector, null, helloTimeoutMillis, attemptWaitMillis);
        s.acceptor.start();
        return s;
    }

    /** Listens on {@code bindHost:port} for TLS connections (port 0: any free port). */
    public static ExchangeServer startTls(String bindHost, int port, ExchangeTls tls) throws IOException {
        return startTls(bindHost, port, tls, HELLO_TIMEOUT_MILLIS, ATTEMPT_WAIT_MILLIS);
    }

    /** As {@link #startTls(String, int, ExchangeTls)}, with the hello and attempt waits of {@link #start}. */
    static ExchangeServer startTls(String bindHost, int port, ExchangeTls tls, long helloTimeoutMillis,
                                   long attemptWaitMillis) throws IOException {
        javax.net.ssl.SSLServerSocket socket;
        try {
            socket = (javax.net.ssl.SSLServerSocket) tls.serverContext().getServerSocketFactory()
                    .createServerSocket(port, 64, java.net.InetAddress.getByName(bindHost));
        } catch (IOException e) {
            throw new IOException("Cannot listen for the training exchange (TLS) on " + bindHost + ":" + port
                    + " (spark.vaespark.exchange.port): " + e.getMessage(), e);
        }
        ExchangeServer s = new ExchangeServer(null, null, socket, helloTimeoutMillis, attemptWaitMillis);
        s.acceptor.start();
        return s;
    }

    public int port() {
        return tlsServer != null ? tlsServer.getLocalPort() : server.socket().getLocalPort();
    }

    /** Whether connections are TLS. */
    public boolean tls() {
        return tlsServer != null;
    }

    /** Connections that joined a hub and are served now (for tests and diagnostics). */
    int activeConnections() {
        return connections.size();
    }

    /** Connections still sending their hello (for tests and diagnostics). */
    synchronized int pendingConnections() {
        return tlsServer != null ? MAX_PENDING - tlsPending.availablePermits() : pending.size();
    }

    // ---------------------------------------------------------------- TLS: before authentication

    /**
     * Accepts TLS connections; each gets a handshake-and-hello thread of a small pool, for at most
     * the hello timeout, and at most {@link #MAX_PENDING} wait for one (the rest are dropped).
     */
    private void tlsAcceptLoop() {
        long backoff = 0;
        while (!closed) {
            try {
                java.net.Socket socket = tlsServer.accept();
                backoff = 0;
                if (!tlsPending.tryAcquire()) {
                    refusals.warn("vae-spark: refused a training exchange connection: {}",
                            socket.getRemoteSocketAddress() + ": too many connections without a hello");
                    Link.closeQuietly(socket);
                    continue;
                }
                try {
                    handshakes.execute(() -> {
                        try {
                            tlsHello((javax.net.ssl.SSLSocket) socket);
                        } finally {
                            tlsPending.release();
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    tlsPending.release();
                    Link.closeQuietly(socket);
                }
            } catch (IOException | RuntimeException | Error e) {
                if (closed) {
                    return;
                }
                backoff = backOff(backoff, e);
            }
        }
    }

    /** TLS handshake and hello within the hello timeout, then the token check. */
    private void tlsHello(javax.net.ssl.SSLSocket socket) {
        long deadline = System.nanoTime() + helloTimeoutNanos;
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        try {
            socket.setSoTimeout(remainingMillis(deadline));
            socket.startHandshake();
            java.io.InputStream in = socket.getInputStream();
            int length = ByteBuffer.wrap(readBefore(socket, in, 4, deadline)).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .getInt();
            if (length < 0 || length > Hello.MAX_BYTES) {
                throw new IOException("a hello of " + length + " bytes");
            }
            Hello hello = Hello.parse(ByteBuffer.wrap(readBefore(socket, in, length, deadline))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN));
            socket.setSoTimeout(0);
            Link link = Link.tls(socket);
            ExchangeHub hub = ExchangeHubs.authenticated(hello.hubId(), hello.token());
            if (hub == null) {
                refuseAndClose(link, WRONG_TOKEN);
                return;
            }
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            serveAuthenticated(link, hub, hello);
        } catch (IOException | RuntimeException e) {
            refusals.warn("vae-spark: refused a training exchange connection: {}", peer + ": " + e);
            Link.closeQuietly(socket);
        }
    }

    private static int remainingMillis(long deadline) throws java.net.SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new java.net.SocketTimeoutException("no hello within the hello timeout");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static byte[] readBefore(java.net.Socket socket, java.io.InputStream in, int n, long deadline)
            throws IOException {
        byte[] bytes = new byte[n];
        for (int done = 0; done < n; ) {
            socket.setSoTimeout(remainingMillis(deadline));
            int r = in.read(bytes, done, n - done);
            if (r < 0) {
                throw new java.io.EOFException("closed during its hello");
            }
            done += r;
        }
        return bytes;
    }

    // ---------------------------------------------------------------- before authentication

    private void selectLoop() {
        long backoff = 0;
        while (!closed) {
            try {
                selector.select(250);
                List<Pending> complete = new ArrayList<>();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else if (key.isReadable()) {
                        Pending p = readHello(key);
                        if (p != null) {
                            complete.add(p);
                        }
                    }
                }
                if (!complete.isEmpty()) {
                    selector.selectNow(); // deregisters the cancelled keys, so the channels may block again
                    for (Pending p : complete) {
                        authenticate(p);
                    }
                }
                expireHellos();
                backoff = 0;
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException | Error e) {
                if (closed) {
                    return;
                }
                backoff = backOff(backoff, e);
            }
        }
    }

    private void acceptAll() throws IOException {
        SocketChannel c;
        while ((c = server.accept()) != null) {
            try {
                c.configureBlocking(false);
                synchronized (this) {
                    if (pending.size() >= MAX_PENDING) {
                        Pending oldest = pending.values().iterator().next();
                        drop(oldest.channel, "too many connections without a hello");
                    }
                    c.register(selector, SelectionKey.OP_READ, new Pending(c, System.nanoTime() + helloTimeoutNanos));
                    pending.put(c, (Pending) c.keyFor(selector).attachment());
                }
            } catch (IOException | RuntimeException e) {
                drop(c, e.toString());
            }
        }
    }

    /** Reads what has arrived of a hello; returns the connection once its hello is complete. */
    private Pending readHello(SelectionKey key) {
        Pending p = (Pending) key.attachment();
        try {
            if (p.body == null) {
                if (p.channel.read(p.length) < 0) {
                    drop(p.channel, "closed before its hello");
                    return null;
                }
                if (p.length.hasRemaining()) {
                    return null;
                }
                int length = p.length.flip().getInt();
                if (length < 0 || length > Hello.MAX_BYTES) {
                    drop(p.channel, "a hello of " + length + " bytes");
                    return null;
                }
                p.body = ByteBuffer.allocate(length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            }
            if (p.channel.read(p.body) < 0) {
                drop(p.channel, "closed during its hello");
                return null;
            }
            if (p.body.hasRemaining()) {
                return null;
            }
            key.cancel();
            synchronized (this) {
                pending.remove(p.channel);
            }
            p.body.flip();
            return p;
        } catch (IOException e) {
            drop(p.channel, e.toString());
            return null;
        }
    }

    private void expireHellos() {
        long now = System.nanoTime();
        List<SocketChannel> late = new ArrayList<>();
        synchronized (this) {
            for (Pending p : pending.values()) {
                if (now - p.deadline > 0) {
                    late.add(p.channel);
                }
            }
        }
        for (SocketChannel c : late) {
            drop(c, "no hello within " + TimeUnit.NANOSECONDS.toMillis(helloTimeoutNanos) + " ms");
        }
    }

    /** Checks a complete hello's form and token; only then does the connection get a thread. */
    private void authenticate(Pending p) {
        SocketChannel channel = p.channel;
        Hello hello;
        try {
            hello = Hello.parse(p.body);
        } catch (IOException e) {
            drop(channel, e.getMessage());
            return;
        }
        ExchangeHub hub = ExchangeHubs.authenticated(hello.hubId(), hello.token());
        if (hub == null) {
            refuseAndDrop(channel, WRONG_TOKEN);
            return;
        }
        try {
            channel.configureBlocking(true);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        } catch (IOException | RuntimeException e) {
            drop(channel, e.toString());
            return;
        }
        serveAuthenticated(Link.plain(channel), hub, hello);
    }

    /** Gives an authenticated connection its thread (or, if no thread can be had, refuses it). */
    private void serveAuthenticated(Link link, ExchangeHub hub, Hello hello) {
        try {
            connections.add(link);
            Thread t = new Thread(() -> serve(link, hub, hello), "vae-spark-exchange-" + hello.partition() + "-in");
            t.setDaemon(true);
            t.start();
        } catch (RuntimeException | Error e) {
            refuseAndClose(link, "the driver could not serve the connection: " + e);
        }
    }

    private void drop(SocketChannel channel, String why) {
        SocketAddress remote = null;
        try {
            remote = channel.getRemoteAddress();
        } catch (IOException | RuntimeException ignored) {
            // closed already
        }
        refusals.warn("vae-spark: refused a training exchange connection: {}", remote + ": " + why);
        synchronized (this) {
            pending.remove(channel);
        }
        close(channel);
    }

    /** Tells the peer why (best effort, never blocking), then drops the connection. */
    private void refuseAndDrop(SocketChannel channel, String why) {
        try {
            channel.configureBlocking(false);
            channel.write(refusal(why));
        } catch (IOException | RuntimeException ignored) {
            // the peer is told if it can be, without waiting for it
        }
        drop(channel, why);
    }

    /** Tells an authenticated peer why it is refused, then closes the link. */
    private void refuseAndClose(Link link, String why) {
        try {
            Wire.writeFully(link.out(), refusal(why));
        } catch (IOException | RuntimeException ignored) {
            // the peer is told if it can be
        }
        refusals.warn("vae-spark: refused a training exchange connection: {}", link.peer() + ": " + why);
        close(link);
    }

    private static ByteBuffer refusal(String why) {
        ByteBuffer message = Wire.buffer(Hello.MAX_BYTES);
        Wire.putString(message, why.length() > 1000 ? why.substring(0, 1000) : why);
        message.flip();
        ByteBuffer reply = Wire.buffer(8 + message.remaining());
        reply.putInt(Wire.REFUSED).putInt(message.remaining()).put(message);
        return reply.flip();
    }

    // ---------------------------------------------------------------- after authentication

    /** One task's connection: join, then its gradients (this thread) and its weights (a second thread). */
    private void serve(Link channel, ExchangeHub hub, Hello hello) {
        Thread out = null;
        try {
            ExchangeHub.Participant participant = join(channel, hub, hello);
            if (participant != null) {
                out = new Thread(() -> sendWeights(channel, participant),
                        "vae-spark-exchange-" + hello.partition() + "-out");
                out.setDaemon(true);
                out.start();
                receiveGradients(channel, participant);
                out.join(); // until the END header is sent
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ExchangeHub.GoneException e) {
            if (!closed && !(e instanceof ExchangeHub.GoneException)) {
                LOG.info("vae-spark: exchange connection of partition {} ended: {}", hello.partition(), e.toString());
            }
        } catch (RuntimeException | Error e) {
            failHub(hub, "receiving gradients of partition " + hello.partition(), e);
        } finally {
            close(channel);
        }
    }

    /** Joins the hub for the task, once the driver has started the attempt it claims; null if refused. */
    private ExchangeHub.Participant join(Link channel, ExchangeHub hub, Hello hello) throws IOException {
        if (hello.width() != hub.kernels().precision().bytes()) {
            refuseAndClose(channel, "precision mismatch");
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(attemptWaitMillis);
        while (!hub.attemptStarted(hello.stageAttempt())) {
            if (System.nanoTime() > deadline || closed) {
                refuseAndClose(channel, "stage attempt " + hello.stageAttempt() + " of the training job was not started "
                        + "by the driver");
                return null;
            }
            sleep(20);
        }
        ExchangeHub.Participant participant;
        try {
            participant = hub.join(hello.partition(), hello.stageAttempt(),
                    hub.kernels().allocate(hub.segments().numParams()));
        } catch (RuntimeException e) {
            refuseAndClose(channel, e.getMessage());
            return null;
        }
        int[] starts = hub.segments().starts();
        ByteBuffer reply = Wire.buffer(16 + 4 * starts.length);
        reply.putInt(Wire.OK).putInt(8 + 4 * starts.length).putInt(hub.segments().numParams()).putInt(starts.length);
        for (int s : starts) {
            reply.putInt(s);
        }
        Wire.writeFully(channel.out(), reply.flip());
        return participant;
    }

    private ExchangeHub.Check checkOpen(Link channel) {
        return () -> {
            if (!channel.isOpen()) {
                throw new ExchangeHub.GoneException("The exchange connection was closed", null);
            }
        };
    }

    /** Reads the task's gradient segments and trailers, tick by tick, and delivers them to the hub. */
    private void receiveGradients(Link channel, ExchangeHub.Participant participant) throws IOException {
        ExchangeHub hub = participant.hub();
        Kernels<?> kernels = hub.kernels();
        Segments segments = hub.segments();
        Object partial = hub.partial(participant.partition());
        ByteBuffer buffer = Wire.streamBuffer();
        ExchangeHub.Check check = checkOpen(channel);
        for (int t = 0; ; t++) {
            Tick tick = participant.awaitTick(t, check);
            if (tick.isEnd()) {
                return;
            }
            if (hub.contributes().contributes(participant.partition(), tick.step())) {
                for (int k = 0; k < segments.count(); k++) {
                    Wire.receiveRange(channel.in(), buffer, kernels, partial, segments.from(k), segments.to(k));
                    if (k < segments.count() - 1) {
                        participant.deliver(t, k + 1);
                    }
                }
            }
            ByteBuffer trailer = Wire.readFully(channel.in(), buffer, Wire.TRAILER_BYTES);
            LossSums loss = new LossSums(trailer.getDouble(), trailer.getDouble(), trailer.getLong());
            participant.finish(t, loss, trailer.getLong());
        }
    }

    /** Sends the initial weights, then per tick its header and the weight segments as they are published. */
    private void sendWeights(Link channel, ExchangeHub.Participant participant) {
        ExchangeHub hub = participant.hub();
        try {
            Kernels<?> kernels = hub.kernels();
            Segments segments = hub.segments();
            ByteBuffer buffer = Wire.streamBuffer();
            ExchangeHub.Check check = checkOpen(channel);
            Object weights = participant.awaitReady(check);
            Wire.sendRange(channel.out(), buffer, kernels, weights, 0, segments.numParams());
            for (int t = 0; ; t++) {
                Tick tick = participant.awaitTick(t, check);
                buffer.clear();
                buffer.putInt(tick.epoch()).putInt(tick.step());
                Wire.writeFully(channel.out(), buffer.flip());
                if (tick.isEnd()) {
                    return;
                }
                for (int k = 0; k < segments.count(); k++) {
                    participant.awaitPublished((long) t * segments.count() + k + 1, check);
                    Wire.sendRange(channel.out(), buffer, kernels, weights, segments.from(k), segments.to(k));
                }
            }
        } catch (IOException | ExchangeHub.GoneException e) {
            if (!closed && !(e instanceof ExchangeHub.GoneException)) {
                LOG.info("vae-spark: sending weights to partition {} ended: {}", participant.partition(), e.toString());
            }
            close(channel);
        } catch (RuntimeException | Error e) {
            failHub(hub, "sending weights to partition " + participant.partition(), e);
            close(channel);
        }
    }

    /** An unexpected failure of a driver-side exchange thread: the fit ends with it as the cause. */
    private void failHub(ExchangeHub hub, String what, Throwable e) {
        if (closed) {
            return;
        }
        LOG.error("vae-spark: the training exchange failed while {}", what, e);
        hub.close(new IllegalStateException("The driver's exchange thread failed while " + what + ": " + e, e));
    }

    /**
     * After a failure of an accept loop (e.g. out of file descriptors): log it (rate-limited) and
     * wait, doubling the wait from 10 ms up to 1 s, instead of spinning; the loop keeps serving.
     */
    private long backOff(long previous, Throwable e) {
        long wait = Math.min(1_000, Math.max(10, previous * 2));
        refusals.warn("vae-spark: the training exchange's server loop failed: {}", e.toString());
        sleep(wait);
        return wait;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void close(SocketChannel channel) {
        Link.closeQuietly(channel);
    }

    private void close(Link link) {
        connections.remove(link);
        link.close();
    }

    @Override
    public void close() {
        closed = true;
        Link.closeQuietly(server);
        Link.closeQuietly(selector);
        Link.closeQuietly(tlsServer);
        if (handshakes != null) {
            handshakes.shutdownNow();
        }
        List<SocketChannel> all;
        synchronized (this) {
            all = new ArrayList<>(pending.keySet());
            pending.clear();
        }
        for (SocketChannel c : all) {
            close(c);
        }
        for (Link l : new ArrayList<>(connections)) {
            close(l);
        }
        acceptor.interrupt();
    }
}
