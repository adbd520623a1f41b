package io.github.vaespark.train.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
 * stranger does not hold anyone up, and a wrong token gets nothing.
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
            List<String> all = c.register(token, 0, partition, "host" + partition + ":" + (100 + partition));
            c.deliver(shard(partition));
            return all;
        }
    }
}
