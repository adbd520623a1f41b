package io.github.vaespark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.SparkTestSession;
import io.github.vaespark.ml.EpochSummary;
import io.github.vaespark.ml.TrainingListener;
import io.github.vaespark.ml.VariationalAutoencoder;
import io.github.vaespark.ml.VariationalAutoencoderModel;
import io.github.vaespark.train.barrier.ExchangeHubs;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failures of a real barrier fit (failsafe runs Spark as local[2,4], so failed tasks are retried):
 * a restart long after the join timeout, a task that stalls, a listener that throws, and strangers
 * at the exchange port. Each fit either ends with the undisturbed model or fails within its bound
 * with the real cause; the next fit in the session is unharmed and nothing is left behind.
 */
class ExchangeFailuresIT {
    private static final Duration BOUND = Duration.ofMinutes(3);

    @AfterEach
    void reset() {
        TaskFaults.install(null);
        SparkContext sc = SparkTestSession.get().sparkContext();
        for (String key : new String[] {ExchangeChoice.JOIN_TIMEOUT, ExchangeChoice.STEP_TIMEOUT, ExchangeChoice.TRANSPORT,
                ExchangeChoice.PORT}) {
            sc.setLocalProperty(key, null);
        }
        assertEquals(0, ExchangeHubs.registered(), "no hub left registered");
    }

    @Test
    void aRestartLongAfterTheJoinTimeoutKeepsTheBarrierExchange() {
        Dataset<Row> data = data();
        SparkContext sc = SparkTestSession.get().sparkContext();
        sc.setLocalProperty(ExchangeChoice.JOIN_TIMEOUT, "2s");
        double[] undisturbed = vae().fit(data).weights();
        AtomicBoolean slept = new AtomicBoolean();
        AtomicBoolean failed = new AtomicBoolean();
        TaskFaults.install((epoch, step, partition, attempt) -> {
            if (epoch == 0 && step == 0 && partition == 0 && slept.compareAndSet(false, true)) {
                sleep(3_000); // the job now runs longer than the join timeout
            }
            if (epoch == 2 && step == 1 && partition == 1 && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected fault after the join timeout");
            }
        });
        VariationalAutoencoderModel model = assertTimeoutPreemptively(BOUND, () -> vae().fit(data));
        assertTrue(failed.get(), "the fault was injected");
        model.summary().history().forEach(e -> assertEquals("barrier", e.exchangeMode(), "epoch " + e.epoch()));
        assertArrayEquals(undisturbed, model.weights());
    }

    @Test
    void aStalledTaskEndsTheFitNamingItsPartitionAndTheNextFitIsUnharmed() {
        Dataset<Row> data = data();
        SparkContext sc = SparkTestSession.get().sparkContext();
        double[] reference = vae().fit(data).weights();
        sc.setLocalProperty(ExchangeChoice.STEP_TIMEOUT, "2s");
        AtomicBoolean stalled = new AtomicBoolean();
        TaskFaults.install((epoch, step, partition, attempt) -> {
            if (epoch == 1 && step == 2 && partition == 1 && stalled.compareAndSet(false, true)) {
                sleep(600_000); // alive, but says nothing
            }
        });
        Exception e = assertTimeoutPreemptively(BOUND,
                () -> assertThrows(Exception.class, () -> vae().fit(data)));
        assertTrue(messages(e).contains("[1]") && messages(e).contains("stepTimeout"), messages(e));
        TaskFaults.install(null);
        sc.setLocalProperty(ExchangeChoice.STEP_TIMEOUT, null);
        VariationalAutoencoderModel next = assertTimeoutPreemptively(BOUND, () -> vae().fit(data));
        assertEquals("barrier", next.summary().history().get(0).exchangeMode(), "the stalled task freed its slot");
        assertArrayEquals(reference, next.weights());
    }

    @Test
    void aListenerThatThrowsEndsTheFitAndTheNextFitIsUnharmed() {
        Dataset<Row> data = data();
        double[] reference = vae().fit(data).weights();
        VariationalAutoencoder failing = vae().addTrainingListener(new TrainingListener() {
            @Override
            public void onEpochEnd(EpochSummary summary, int maxEpochs) {
                if (summary.epoch() == 1) {
                    throw new IllegalArgumentException("listener failed on purpose");
                }
            }
        });
        Exception e = assertTimeoutPreemptively(BOUND, () -> assertThrows(Exception.class, () -> failing.fit(data)));
        assertTrue(messages(e).contains("listener failed on purpose"), messages(e));
        assertArrayEquals(reference, assertTimeoutPreemptively(BOUND, () -> vae().fit(data)).weights());
    }

    @Test
    void strangersAtTheExchangePortChangeNothing() throws Exception {
        Dataset<Row> data = data();
        SparkContext sc = SparkTestSession.get().sparkContext();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        sc.setLocalProperty(ExchangeChoice.TRANSPORT, "tcp");
        sc.setLocalProperty(ExchangeChoice.PORT, Integer.toString(port));
        double[] undisturbed = vae().fit(data).weights();

        AtomicBoolean running = new AtomicBoolean(true);
        List<Socket> sockets = new ArrayList<>();
        Thread strangers = new Thread(() -> {
            Random random = new Random(4);
            for (int i = 0; running.get() && i < 2_000; i++) {
                try {
                    Socket s = new Socket("127.0.0.1", port);
                    sockets.add(s);
                    OutputStream out = s.getOutputStream();
                    switch (i % 4) {
                        case 0 -> { } // idle
                        case 1 -> out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
                        case 2 -> {
                            byte[] junk = new byte[64 + random.nextInt(512)];
                            random.nextBytes(junk);
                            out.write(junk);
                        }
                        default -> out.write(new byte[] {40, 0, 0, 0, 0x58, 0x45, 0x41, 0x56, 1, 0, 0, 0});
                    }
                    Thread.sleep(5);
                } catch (Exception ignored) {
                    // refused or reset: fine, keep going
                }
            }
        }, "strangers");
        strangers.start();
        VariationalAutoencoderModel disturbed;
        try {
            disturbed = assertTimeoutPreemptively(BOUND, () -> vae().fit(data));
        } finally {
            running.set(false);
            strangers.join();
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertEquals("barrier", disturbed.summary().history().get(0).exchangeMode());
        assertArrayEquals(undisturbed, disturbed.weights());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (BarrierTestFits.exchangeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, BarrierTestFits.exchangeThreads(), "exchange threads left behind");
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t).append(" | ");
        }
        return b.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static VariationalAutoencoder vae() {
        return BarrierTestFits.vae("auto");
    }

    private static Dataset<Row> data() {
        return BarrierTestFits.data();
    }
}
