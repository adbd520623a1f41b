package io.github.vaespark.train.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.BackwardListener;
import io.github.vaespark.nn.Kernels;
import io.github.vaespark.nn.LossSums;
import io.github.vaespark.nn.Precision;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.github.vaespark.train.GradientRounding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A mesh of four tasks (threads over loopback TCP, no Spark): every shard owner receives exactly
 * every task's piece of its shard in partition order (none from a task without rows), every
 * task's loss, and every other shard's weights; a non-finite shard is known to all; a lost peer
 * is an error naming it.
 */
class PeerMeshTest {
    private static final int TASKS = 4;
    private static final int PARAMS = 1001;
    @SuppressWarnings("unchecked")
    private static final Kernels<float[]> KERNELS = (Kernels<float[]>) Precision.FLOAT32.kernels();

    private static float[] gradient(int task, int tick) {
        Random r = new Random(task * 100 + tick);
        float[] g = new float[PARAMS];
        for (int i = 0; i < PARAMS; i++) {
            g[i] = r.nextFloat();
        }
        return g;
    }

    /** The weights shard owner p publishes at a tick. */
    private static float[] shardWeights(Shards shards, int p, int tick) {
        float[] w = new float[shards.length(p)];
        for (int i = 0; i < w.length; i++) {
            w[i] = 1000 * p + 10 * tick + i * 0.5f;
        }
        return w;
    }

    private static boolean empty(int task, int tick) {
        return task == 2 && tick == 0;
    }

    @ParameterizedTest
    @EnumSource(GradientRounding.class)
    void reduceScatterAndAllGatherDeliverEveryPieceInOrder(GradientRounding rounding) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int p = 0; p < TASKS; p++) {
            ServerSocket s = new ServerSocket(0, TASKS, InetAddress.getLoopbackAddress());
            servers.add(s);
            addresses.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(TASKS);
        try {
            List<Future<Void>> tasks = new ArrayList<>();
            for (int p = 0; p < TASKS; p++) {
                int self = p;
                tasks.add(pool.submit(() -> {
                    runTask(self, addresses, servers.get(self), rounding);
                    return null;
                }));
            }
            for (Future<Void> f : tasks) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            for (ServerSocket s : servers) {
                s.close();
            }
        }
    }

    /**
     * With {@code rounding} BFLOAT16 every piece, the own one too, is delivered rounded to
     * bfloat16, and the weights still arrive exact.
     */
    private static void runTask(int self, List<InetSocketAddress> addresses, ServerSocket server,
                                GradientRounding rounding) throws Exception {
        float[] weights = new float[PARAMS];
        try (PeerMesh<float[]> mesh = PeerMesh.connect(self, addresses, server, 42L, KERNELS, weights, rounding,
                20_000, () -> { })) {
            Shards shards = mesh.shards();
            for (int tick = 0; tick < 3; tick++) {
                float[] g = empty(self, tick) ? null : gradient(self, tick);
                if (g != null) {
                    BackwardListener tails = mesh.tails(tick, g);
                    tails.tailDone(700);
                    tails.tailDone(240);
                }
                mesh.finishGradient(tick, g, new LossSums(self + tick, 0.5, self + 1));
                PeerMesh.Pieces<?> pieces = mesh.awaitPieces(tick, () -> { });
                Object[] received = pieces.pieces();
                for (int q = 0; q < TASKS; q++) {
                    assertEquals(new LossSums(q + tick, 0.5, q + 1).toString(), pieces.losses()[q].toString());
                    if (empty(q, tick)) {
                        assertNull(received[q], "no piece from a task without rows");
                    } else {
                        float[] sent = Arrays.copyOfRange(gradient(q, tick), shards.from(self), shards.to(self));
                        if (rounding == GradientRounding.BFLOAT16) {
                            for (int i = 0; i < sent.length; i++) {
                                sent[i] = (float) GradientRounding.round(sent[i]);
                            }
                        }
                        assertArrayEquals(sent, (float[]) received[q], "task " + self + ": piece of task " + q
                                + " at tick " + tick);
                    }
                }
                boolean finite = !(self == 3 && tick == 1);
                mesh.publish(tick, shardWeights(shards, self, tick), finite);
                assertEquals(tick != 1, mesh.awaitWeights(tick, () -> { }), "non-finite shard known to all");
                for (int q = 0; q < TASKS; q++) {
                    assertArrayEquals(shardWeights(shards, q, tick),
                            Arrays.copyOfRange(weights, shards.from(q), shards.to(q)));
                }
            }
        }
    }

    @Test
    void aLostPeerIsAnErrorNamingIt() throws Exception {
        ServerSocket s0 = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
        ServerSocket s1 = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
        List<InetSocketAddress> addresses = List.of(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), s0.getLocalPort()),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), s1.getLocalPort()));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> quitter = pool.submit(() -> {
                PeerMesh.connect(1, addresses, s1, 7L, KERNELS, new float[PARAMS], GradientRounding.NONE, 20_000, () -> { })
                        .close();
                return null;
            });
            try (PeerMesh<float[]> mesh = PeerMesh.connect(0, addresses, s0, 7L, KERNELS, new float[PARAMS],
                    GradientRounding.NONE, 20_000, () -> { })) {
                quitter.get();
                mesh.finishGradient(0, gradient(0, 0), new LossSums());
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> mesh.awaitPieces(0, () -> { }));
                assertTrue(e.getMessage().contains("lost its link to task 1"), e.getMessage());
            }
        } finally {
            pool.shutdownNow();
            s0.close();
            s1.close();
        }
    }

    /**
     * A task waiting for a peer that never connects (its executor was lost) gives up as soon as its
     * check says the task was killed, long before the connection timeout.
     */
    @Test
    void aKilledTaskStopsWaitingForConnections() throws Exception {
        try (ServerSocket s0 = new ServerSocket(0, 2, InetAddress.getLoopbackAddress());
             ServerSocket s1 = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            List<InetSocketAddress> addresses = List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), s0.getLocalPort()),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), s1.getLocalPort()));
            long start = System.nanoTime();
            int[] checks = new int[1];
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PeerMesh.connect(0, addresses,
                    s0, 7L, KERNELS, new float[PARAMS], GradientRounding.NONE, 60_000, () -> {
                        if (++checks[0] == 2) {
                            throw new IllegalStateException("killed");
                        }
                    }));
            assertEquals("killed", e.getMessage());
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 30, "gave up after " + seconds + " s, not at the 60 s timeout");
        }
    }
}
