package io.github.vaespark.train.peer;

import java.lang.ref.SoftReference;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a task leaves on its executor at the end of a peer-exchange epoch: its shard's exact state
 * and the whole weight vector in the training width, keyed by (fit, epoch that starts from it,
 * partition). The next epoch's task of the same partition, scheduled where the partition's cached
 * block is, starts from it instead of fetching the driver's broadcast (which holds the same values:
 * the driver's state is these shards gathered). A miss (another executor, a restarted stage, memory
 * pressure: the values are soft references) falls back to the broadcast.
 */
final class ShardCache {
    /** A shard's state and the whole weights, ready to start an epoch from. */
    record Entry(ShardState shard, Object weights) {
    }

    private record Key(long fit, int epoch, int partition) {
    }

    private static final int MAX_ENTRIES = 16;
    private static final Map<Key, SoftReference<Entry>> ENTRIES = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, SoftReference<Entry>> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private ShardCache() {
    }

    /** Removes and returns the state that starts {@code epoch} of {@code fit} for {@code partition}, or null. */
    static synchronized Entry take(long fit, int epoch, int partition) {
        SoftReference<Entry> ref = ENTRIES.remove(new Key(fit, epoch, partition));
        return ref == null ? null : ref.get();
    }

    /** Keeps the state that starts {@code epoch}, replacing anything older of the same fit and partition. */
    static synchronized void put(long fit, int epoch, int partition, Entry entry) {
        ENTRIES.keySet().removeIf(k -> k.fit == fit && k.partition == partition);
        ENTRIES.put(new Key(fit, epoch, partition), new SoftReference<>(entry));
    }
}
