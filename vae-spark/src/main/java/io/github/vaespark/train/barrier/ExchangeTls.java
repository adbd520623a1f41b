package io.github.vaespark.train.barrier;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the training exchange (spark.vaespark.exchange.tls=true), from Spark's own SSL settings:
 * the driver presents the key in {@code spark.ssl.keyStore}, every task checks it against
 * {@code spark.ssl.trustStore} (a path each executor can read, as for Spark's other SSL
 * services). The hub's token, which proves a connection is one of the job's tasks, then travels
 * encrypted like everything after it.
 *
 * @param keyStore           the driver's key store (read on the driver only)
 * @param keyStorePassword   its password
 * @param keyPassword        the key's password (defaults to the key store's)
 * @param trustStore         the trust store the tasks check the driver's certificate with
 * @param trustStorePassword its password (may be null)
 * @param storeType          the stores' type (default: the JVM's, PKCS12)
 * @param protocol           the TLS protocol (default TLSv1.3)
 */
public record ExchangeTls(String keyStore, String keyStorePassword, String keyPassword, String trustStore,
                          String trustStorePassword, String storeType, String protocol) implements Serializable {

    /** The settings from a Spark setting lookup (null when absent); fails naming what is missing. */
    public static ExchangeTls fromSettings(Function<String, String> setting) {
        String keyStore = setting.apply("spark.ssl.keyStore");
        String trustStore = setting.apply("spark.ssl.trustStore");
        if (keyStore == null || trustStore == null) {
            throw new IllegalArgumentException("spark.vaespark.exchange.tls=true needs spark.ssl.keyStore (the driver's "
                    + "key) and spark.ssl.trustStore (readable on every executor); missing: "
                    + (keyStore == null ? "spark.ssl.keyStore " : "") + (trustStore == null ? "spark.ssl.trustStore" : ""));
        }
        String keyStorePassword = setting.apply("spark.ssl.keyStorePassword");
        String keyPassword = setting.apply("spark.ssl.keyPassword");
        String type = setting.apply("spark.ssl.keyStoreType");
        String protocol = setting.apply("spark.ssl.protocol");
        return new ExchangeTls(keyStore, keyStorePassword, keyPassword == null ? keyStorePassword : keyPassword,
                trustStore, setting.apply("spark.ssl.trustStorePassword"),
                type == null ? KeyStore.getDefaultType() : type, protocol == null ? "TLSv1.3" : protocol);
    }

    /** What tasks need (the trust store), without the driver's key store and its passwords. */
    public ExchangeTls forTasks() {
        return new ExchangeTls(null, null, null, trustStore, trustStorePassword, storeType, protocol);
    }

    /** The driver's side: presents the key. */
    SSLContext serverContext() throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore, keyStorePassword), chars(keyPassword));
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot use spark.ssl.keyStore " + keyStore + " for the training exchange: " + e, e);
        }
    }

    /** A task's side: trusts only the certificates of the trust store. */
    SSLContext clientContext() throws IOException {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(trustStore, trustStorePassword));
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot use spark.ssl.trustStore " + trustStore + " for the training exchange: " + e, e);
        }
    }

    private KeyStore load(String path, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(storeType);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, chars(password));
        }
        return store;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    @Override
    public String toString() {
        return "ExchangeTls[" + protocol + ", keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }
}
