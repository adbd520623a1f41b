package io.github.vaespark.train.barrier;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hubs of the barrier training jobs running in this (driver) JVM, by id, each with the secret
 * token a remote task must present to join it. Tasks in the same JVM find their hub here directly.
 */
public final class ExchangeHubs {
    private record Entry(ExchangeHub hub, byte[] token) {
    }

    private static final Map<String, Entry> HUBS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ExchangeHubs() {
    }

    /** Registers a hub; returns the address tasks use to reach it (without the TCP endpoint). */
    public static ExchangeAddress register(ExchangeHub hub) {
        String id = UUID.randomUUID().toString();
        byte[] token = new byte[16];
        RANDOM.nextBytes(token);
        HUBS.put(id, new Entry(hub, token));
        return new ExchangeAddress(id, token, null, -1, 0, null);
    }

    /** Number of hubs registered now (a finished fit leaves none). */
    public static int registered() {
        return HUBS.size();
    }

    public static void unregister(String id) {
        HUBS.remove(id);
    }

    /** The hub with this id in this JVM, or null. */
    public static ExchangeHub local(String id) {
        Entry e = HUBS.get(id);
        return e == null ? null : e.hub();
    }

    /** The hub with this id if {@code token} is its token, else null. */
    static ExchangeHub authenticated(String id, byte[] token) {
        Entry e = HUBS.get(id);
        return e != null && MessageDigest.isEqual(e.token(), token) ? e.hub() : null;
    }
}
