package io.github.vaespark.train.barrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.Float32Kernels;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's exchange server and a task's TCP endpoint against hostile and broken peers: idle
 * connections, garbage, huge length prefixes, wrong tokens, stale and future attempts, errors
 * inside exchange threads, and a task that stops delivering. Each must cost a real task nothing,
 * or end every wait with the real cause, and leave no threads or sockets behind.
 */
class ExchangeServerTest {
    private static final int PARAMS = 40_000;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final ExchangeHub.Check NONE = () -> { };

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final AtomicInteger started = new AtomicInteger(0);
    private ExchangeServer server;
    private ExchangeHub hub;
    private ExchangeAddress address;

    private void start(Kernels<?> driverKernels) throws IOException {
        start(driverKernels, null);
    }

    private void start(Kernels<?> driverKernels, ExchangeTls tls) throws IOException {
        server = tls == null ? ExchangeServer.start("127.0.0.1", 0, 500, 1_000)
                : ExchangeServer.startTls("127.0.0.1", 0, tls, 500, 1_000);
        hub = new ExchangeHub(1, Segments.of(PARAMS, new int[] {PARAMS / 2, 0}), driverKernels, (p, s) -> true);
        hub.setStartedAttempts(started::get);
        address = ExchangeHubs.register(hub).overTcp("127.0.0.1", server.port(), tls);
    }

    private static TestTlsKeys keys;
    private static TestTlsKeys otherKeys;

    @org.junit.jupiter.api.BeforeAll
    static void makeKeys() throws Exception {
        java.nio.file.Path dir = TestTlsKeys.tempDir();
        keys = TestTlsKeys.create(dir, "driver");
        otherKeys = TestTlsKeys.create(dir, "stranger");
    }

    @Test
    void overTlsARealTaskIsServedPastPlainTextAndIdleConnections() throws Exception {
        start(Float32Kernels.INSTANCE, keys.tls());
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            idle.add(rawSocket());
        }
        Socket plainHello = rawSocket();
        plainHello.getOutputStream().write(hello(address.hubId(), address.token(), 0));
        assertTimeoutPreemptively(BOUND, () -> oneTick(connect(address, 0, Float32Kernels.INSTANCE)));
        assertTrue(closedByServer(plainHello, 5_000), "a plain-text hello is not a TLS handshake: dropped");
        for (Socket s : idle) {
            assertTrue(closedByServer(s, 5_000), "idle connections are dropped after the hello timeout");
        }
    }

    @Test
    void overTlsAWrongTokenIsRefused() throws Exception {
        start(Float32Kernels.INSTANCE, keys.tls());
        byte[] wrong = address.token().clone();
        wrong[3] ^= 1;
        ExchangeAddress forged = new ExchangeAddress(address.hubId(), wrong, address.host(), address.port(), 0,
                address.tls());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> connect(forged, 0, Float32Kernels.INSTANCE));
        assertTrue(e.getMessage().contains("wrong token"), e.getMessage());
        assertEquals(-1, hub.attempt(), "nothing joined");
    }

    @Test
    void aTaskDoesNotTalkToADriverItDoesNotTrust() throws Exception {
        start(Float32Kernels.INSTANCE, keys.tls());
        ExchangeAddress impostorTrust = new ExchangeAddress(address.hubId(), address.token(), address.host(),
                address.port(), 0, otherKeys.tls().forTasks());
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> connect(impostorTrust, 0, Float32Kernels.INSTANCE));
        assertTrue(e.getCause() instanceof javax.net.ssl.SSLException, String.valueOf(e.getCause()));
        assertEquals(-1, hub.attempt(), "nothing joined");
    }

    @Test
    void tasksAreNotGivenTheDriversKey() {
        ExchangeTls forTasks = keys.tls().forTasks();
        assertEquals(null, forTasks.keyStore());
        assertEquals(null, forTasks.keyStorePassword());
        assertEquals(null, forTasks.keyPassword());
        assertTrue(!forTasks.toString().contains(TestTlsKeys.PASSWORD));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
        if (hub != null) {
            hub.close(new IllegalStateException("test over"));
            ExchangeHubs.unregister(address.hubId());
        }
        if (server != null) {
            server.close();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (exchangeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, exchangeThreads(), "exchange threads left behind");
    }

    private static long exchangeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("vae-spark-exchange")).count();
    }

    /** One full tick between the driver (this thread) and a real task endpoint; checks what arrived. */
    private void oneTick(TaskEndpoint task) {
        int attempt = hub.awaitJoined(NONE);
        hub.publishInitial(attempt, w -> java.util.Arrays.fill((float[]) w, 0.5f));
        int t = hub.issue(attempt, new Tick(0, 0));
        assertEquals(new Tick(0, 0), task.awaitTick(0));
        assertEquals(0.5f, ((float[]) task.weights())[PARAMS - 1]);
        task.finish(0, new LossSums(1, 2, 3), 4, true);
        for (int k = 0; k < hub.segments().count(); k++) {
            hub.awaitSegment(t, k, NONE);
            hub.publish(attempt, t, k);
        }
        assertArrayEquals(expectedGradient(), (float[]) hub.partial(0));
        assertEquals(3, hub.loss(0).rows());
        hub.end();
        assertTrue(task.awaitTick(1).isEnd());
    }

    private static float[] expectedGradient() {
        float[] g = new float[PARAMS];
        for (int i = 0; i < g.length; i++) {
            g[i] = i * 0.25f;
        }
        return g;
    }

    private TaskEndpoint connect(ExchangeAddress to, int attempt, Kernels<?> kernels) {
        TaskEndpoint e = TaskEndpoint.connect(to, 0, attempt, expectedGradient(), kernels, NONE);
        resources.add(e);
        return e;
    }

    private Socket rawSocket() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        resources.add(s);
        return s;
    }

    private static byte[] hello(String hubId, byte[] token, int attempt) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).putInt(Wire.MAGIC).putInt(Wire.VERSION);
        Wire.putString(b, hubId);
        b.putInt(token.length).put(token).putInt(0).putInt(attempt).putInt(4);
        b.putInt(0, b.position() - 4);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** Whether the server closed the socket within the timeout (reads to end of stream). */
    private static boolean closedByServer(Socket s, int timeoutMillis) throws IOException {
        s.setSoTimeout(timeoutMillis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // a refusal message may come first
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void aRealTaskIsServedPastIdleAndGarbageConnections() throws Exception {
        start(Float32Kernels.INSTANCE);
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < ExchangeServer.MAX_PENDING + 20; i++) {
            idle.add(rawSocket());
        }
        Random random = new Random(1);
        List<Socket> garbage = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = rawSocket();
            byte[] junk = new byte[100 + random.nextInt(5000)];
            random.nextBytes(junk);
            junk[0] = 0x10; // a plausible length prefix, then junk instead of a hello
            s.getOutputStream().write(junk);
            garbage.add(s);
        }
        Socket huge = rawSocket();
        huge.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        Socket halfHello = rawSocket();
        halfHello.getOutputStream().write(java.util.Arrays.copyOf(hello(address.hubId(), address.token(), 0), 20));

        assertTimeoutPreemptively(BOUND, () -> oneTick(connect(address, 0, Float32Kernels.INSTANCE)));
        assertTrue(server.pendingConnections() <= ExchangeServer.MAX_PENDING);
        assertTrue(closedByServer(huge, 5_000), "a huge length prefix is dropped at once");
        for (Socket s : garbage) {
            assertTrue(closedByServer(s, 5_000), "garbage is dropped");
        }
        assertTrue(closedByServer(halfHello, 5_000), "an incomplete hello is dropped after the hello timeout");
        for (Socket s : idle) {
            assertTrue(closedByServer(s, 5_000), "idle connections are dropped after the hello timeout");
        }
        assertEquals(0, server.pendingConnections());
    }

    @Test
    void aWrongTokenIsRefusedWithAReasonAndCostsNoThread() throws Exception {
        start(Float32Kernels.INSTANCE);
        byte[] wrong = address.token().clone();
        wrong[0] ^= 1;
        ExchangeAddress forged = new ExchangeAddress(address.hubId(), wrong, address.host(), address.port(), 0, null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> connect(forged, 0, Float32Kernels.INSTANCE));
        assertTrue(e.getMessage().contains("wrong token"), e.getMessage());
        assertEquals(0, server.activeConnections());
        assertEquals(-1, hub.attempt(), "nothing joined");
    }

    @Test
    void aFutureAttemptCannotLockTheRealAttemptOut() throws Exception {
        start(Float32Kernels.INSTANCE);
        Socket s = rawSocket();
        s.getOutputStream().write(hello(address.hubId(), address.token(), Integer.MAX_VALUE));
        assertTrue(closedByServer(s, 10_000), "refused");
        assertEquals(-1, hub.attempt(), "the claimed attempt was not recorded");
        assertTimeoutPreemptively(BOUND, () -> oneTick(connect(address, 0, Float32Kernels.INSTANCE)));
    }

    @Test
    void aStaleAttemptIsRefused() throws Exception {
        start(Float32Kernels.INSTANCE);
        started.set(1);
        connect(address, 1, Float32Kernels.INSTANCE);
        assertTimeoutPreemptively(BOUND, () -> assertEquals(1, hub.awaitJoined(NONE)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> connect(address, 0, Float32Kernels.INSTANCE));
        assertTrue(e.getMessage().contains("replaced"), e.getMessage());
    }

    @Test
    void anErrorInADriverExchangeThreadEndsTheDriversWaitWithItsCause() throws Exception {
        AtomicBoolean armed = new AtomicBoolean(true);
        start(failing(Float32Kernels.INSTANCE, "get", armed));
        TaskEndpoint task = connect(address, 0, Float32Kernels.INSTANCE);
        assertTimeoutPreemptively(BOUND, () -> {
            int attempt = hub.awaitJoined(NONE);
            hub.publishInitial(attempt, w -> { });
            int t = hub.issue(attempt, new Tick(0, 0));
            task.awaitTick(0);
            task.finish(0, new LossSums(), 0, true);
            ExchangeHub.GoneException e = assertThrows(ExchangeHub.GoneException.class,
                    () -> hub.awaitSegment(t, 0, NONE));
            assertTrue(e.getMessage().contains("injected"), e.getMessage());
        });
    }

    @Test
    void anErrorInATaskExchangeThreadEndsTheTasksWaitWithItsCause() throws Exception {
        start(Float32Kernels.INSTANCE);
        AtomicBoolean armed = new AtomicBoolean(true);
        TaskEndpoint task = connect(address, 0, failing(Float32Kernels.INSTANCE, "get", armed));
        assertTimeoutPreemptively(BOUND, () -> {
            int attempt = hub.awaitJoined(NONE);
            hub.publishInitial(attempt, w -> { });
            hub.issue(attempt, new Tick(0, 0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> task.awaitTick(0));
            assertTrue(e.getCause() instanceof OutOfMemoryError, String.valueOf(e.getCause()));
        });
    }

    @Test
    void aStalledTaskEndsTheDriversWaitNamingItsPartition() throws Exception {
        start(Float32Kernels.INSTANCE);
        hub.setStepTimeout(300);
        TaskEndpoint task = connect(address, 0, Float32Kernels.INSTANCE);
        assertTimeoutPreemptively(BOUND, () -> {
            int attempt = hub.awaitJoined(NONE);
            hub.publishInitial(attempt, w -> { });
            int t = hub.issue(attempt, new Tick(2, 5));
            task.awaitTick(0); // and then nothing: the task stalls
            ExchangeHub.StalledException e = assertThrows(ExchangeHub.StalledException.class,
                    () -> hub.awaitSegment(t, 0, NONE));
            assertTrue(e.getMessage().contains("[0]") && e.getMessage().contains("epoch 3, step 6"), e.getMessage());
        });
    }

    @Test
    void aTaskGivesUpWhenTheDriverSaysNothing() throws Exception {
        start(Float32Kernels.INSTANCE);
        TaskEndpoint task = connect(address.withIdleTimeout(300), 0, Float32Kernels.INSTANCE);
        assertTimeoutPreemptively(BOUND, () -> {
            hub.publishInitial(hub.awaitJoined(NONE), w -> { });
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> task.awaitTick(0));
            assertTrue(e.getMessage().contains("No instruction from the driver"), e.getMessage());
        });
    }

    /** Kernels that throw an OutOfMemoryError from {@code method} while armed (once). */
    @SuppressWarnings("unchecked")
    private static <A> Kernels<A> failing(Kernels<A> delegate, String method, AtomicBoolean armed) {
        return (Kernels<A>) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, m, args) -> {
                    if (m.getName().equals(method) && armed.getAndSet(false)) {
                        throw new OutOfMemoryError("injected");
                    }
                    try {
                        return m.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @SuppressWarnings("unused")
    private static void write(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }
}
