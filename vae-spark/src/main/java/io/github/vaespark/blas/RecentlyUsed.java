package io.github.vaespark.blas;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A thread's most recently used native resources (oneDNN primitives, rounded operands), at most
 * {@code capacity}; an entry pushed out is closed.
 */
final class RecentlyUsed<K, V extends AutoCloseable> extends LinkedHashMap<K, V> {
    private final int capacity;

    RecentlyUsed(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() <= capacity) {
            return false;
        }
        try {
            eldest.getValue().close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not free a bfloat16 GEMM resource", e);
        }
        return true;
    }
}
