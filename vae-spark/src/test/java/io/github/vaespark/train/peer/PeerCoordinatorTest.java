package io.github.vaespark.train.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vaespark.nn.LossSums;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The driver's coordinator of the peer exchange: tasks of one attempt learn each other's addresses
 * in partition order whatever order they register in, their shards arrive intact, a silent
 * stranger does not hold anyone up, a wrong token gets nothing, and a task killed while it waits
 * for the others stops waiting.
 */
class PeerCoordinatorTest {

    private static ShardResult shard(int partition) {
        double[] p = {partition, 0.5, -1e-300};
        return new ShardResult(partition, 3 * partition, p, p.clone(), p.clone(), 2, null,
                new LossSums[] {new LossSums(1, 2, 3), null}, new long[] {1, 2}, new long[] {3, 4}, new long[] {5, 6}, 7);
    }

    @Test
    void tasksMeetAndDeliverTheirShards() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PeerCoordinator coordinator = PeerCoordinator.start("127.0.0.1", 0);
             Socket stranger = new Socket("127.0.0.1", coordinator.port())) {
            coordinator.beginEpoch(42L, 2, 10, 2);
            assertNull(coordinator.completeResults());
            Future<List<String>> second = pool.submit(() -> task(coordinator, 42L, 1));
            Future<List<String>> first = pool.submit(() -> task(coordinator, 42L, 0));
            assertEquals(List.of("host0:100", "host1:101"), first.get());
            assertEquals(List.of("host0:100", "host1:101"), second.get());
            List<ShardResult> shards = coordinator.completeResults();
            assertEquals(2, shards.size());
            for (int p = 0; p < 2; p++) {
                ShardResult expected = shard(p);
                ShardResult got = shards.get(p);
                assertEquals(p, got.partition());
                assertEquals(expected.from(), got.from());
                assertArrayEquals(expected.params(), got.params());
                assertArrayEquals(expected.secondMoment(), got.secondMoment());
                assertEquals(expected.loss()[0].toString(), got.loss()[0].toString());
                assertNull(got.loss()[1]);
                assertArrayEquals(expected.stepNanos(), got.stepNanos());
                assertEquals(7, got.setupNanos());
            }
            assertThrows(IOException.class, () -> task(coordinator, 41L, 0), "a wrong token gets no addresses");
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> task(PeerCoordinator coordinator, long token, int partition) throws IOException {
        try (PeerCoordinator.Client c = new PeerCoordinator.Client("127.0.0.1", coordinator.port(), 20_000)) {
            List<String> all = c.register(token, 0, partition, "host" + partition + ":" + (100 + partition), () -> { });
            c.deliver(shard(partition));
            return all;
        }
    }

    /**
     * The other task never registers (its executor was lost); Spark marks this one killed, which its
     * check notices within about a second, long before the registration timeout. A task whose
     * check passes goes on waiting and still gets the addresses when the other one comes late.
     */
    @Test
    void aKilledTaskStopsWaitingForTheOthers() throws Exception {
        try (PeerCoordinator coordinator = PeerCoordinator.start("127.0.0.1", 0)) {
            coordinator.beginEpoch(5L, 2, 10, 2);
            long start = System.nanoTime();
            long[] killedAt = {start + 1_500_000_000L};
            try (PeerCoordinator.Client c = new PeerCoordinator.Client("127.0.0.1", coordinator.port(), 60_000)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.register(5L, 0, 0,
                        "host0:100", () -> {
                            if (System.nanoTime() > killedAt[0]) {
                                throw new IllegalStateException("killed");
                            }
                        }));
                assertEquals("killed", e.getMessage());
            }
            long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds < 30, "gave up after " + seconds + " s, not at the 60 s timeout");

            coordinator.beginEpoch(6L, 2, 10, 2);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (PeerCoordinator.Client c = new PeerCoordinator.Client("127.0.0.1", coordinator.port(), 60_000)) {
                int[] checks = new int[1];
                Future<List<String>> late = pool.submit(() -> {
                    Thread.sleep(2500);
                    return task(coordinator, 6L, 1);
                });
                List<String> all = c.register(6L, 0, 0, "host0:100", () -> checks[0]++);
                assertEquals(List.of("host0:100", "host1:101"), all);
                assertTrue(checks[0] >= 1, "the check ran while waiting: " + checks[0]);
                c.deliver(shard(0));
                assertEquals(all, late.get());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
