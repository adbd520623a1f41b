package io.github.vaespark.train.barrier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away key store (the driver's key) and trust store (its certificate), made with the
 * JDK's keytool for TLS tests of the exchange, and the Spark settings that point at them.
 */
public final class TestTlsKeys {
    public static final String PASSWORD = "test-secret";
    public final Path keyStore;
    public final Path trustStore;

    private TestTlsKeys(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /** Makes a fresh key pair in {@code dir}, named {@code name}. */
    public static TestTlsKeys create(Path dir, String name) throws IOException, InterruptedException {
        Path keys = dir.resolve(name + "-keys.p12");
        Path cert = dir.resolve(name + ".cer");
        Path trust = dir.resolve(name + "-trust.p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", name, "-keystore", keys.toString(), "-storepass", PASSWORD, "-file",
                cert.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", cert.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        return new TestTlsKeys(keys, trust);
    }

    /** The settings {@link ExchangeTls#fromSettings} reads. */
    public Map<String, String> sparkSettings() {
        return Map.of("spark.ssl.keyStore", keyStore.toString(), "spark.ssl.keyStorePassword", PASSWORD,
                "spark.ssl.trustStore", trustStore.toString(), "spark.ssl.trustStorePassword", PASSWORD,
                "spark.ssl.keyStoreType", "PKCS12");
    }

    /** The exchange's TLS settings for these stores. */
    public ExchangeTls tls() {
        return ExchangeTls.fromSettings(sparkSettings()::get);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    /** A temporary folder for key files. */
    public static Path tempDir() throws IOException {
        return Files.createTempDirectory("vae-tls");
    }
}
