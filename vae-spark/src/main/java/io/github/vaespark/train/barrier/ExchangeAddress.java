package io.github.vaespark.train.barrier;

import java.io.Serializable;

/**
 * How a task reaches its job's hub: by id in the driver's JVM, or over TCP at host:port with the
 * hub's token (shipped inside the task closure, so only the job's own tasks know it).
 *
 * @param port              the driver's exchange port, or -1 when every task runs in the driver's JVM
 * @param idleTimeoutMillis how long a remote task waits for the driver's next instruction before it
 *                          gives up (0: no bound)
 * @param tls               the TLS settings tasks connect with (trust store only), or null for plain TCP
 */
public record ExchangeAddress(String hubId, byte[] token, String host, int port, long idleTimeoutMillis,
                              ExchangeTls tls) implements Serializable {

    /** This address, reached over TCP at host:port (with TLS when {@code tcpTls} is not null). */
    public ExchangeAddress overTcp(String tcpHost, int tcpPort, ExchangeTls tcpTls) {
        return new ExchangeAddress(hubId, token, tcpHost, tcpPort, idleTimeoutMillis,
                tcpTls == null ? null : tcpTls.forTasks());
    }

    /** This address, reached over plain TCP at host:port. */
    public ExchangeAddress overTcp(String tcpHost, int tcpPort) {
        return overTcp(tcpHost, tcpPort, null);
    }

    /** This address, with a bound on how long a remote task waits for the driver. */
    public ExchangeAddress withIdleTimeout(long millis) {
        return new ExchangeAddress(hubId, token, host, port, millis, tls);
    }

    public boolean tcp() {
        return port >= 0;
    }
}
