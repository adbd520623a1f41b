package io.github.vaespark.train.exchange;

import java.io.Serializable;

/**
 * How a task reaches its job's hub: by id in the driver's JVM, or over TCP at host:port with the
 * hub's token (shipped inside the task closure, so only the job's own tasks know it).
 *
 * @param port              the driver's exchange port, or -1 when every task runs in the driver's JVM
 * @param idleTimeoutMillis how long a remote task waits for the driver's next instruction before it
 *                          gives up (0: no bound)
 */
public record ExchangeAddress(String hubId, byte[] token, String host, int port, long idleTimeoutMillis)
        implements Serializable {

    /** This address, reached over TCP at host:port. */
    public ExchangeAddress overTcp(String tcpHost, int tcpPort) {
        return new ExchangeAddress(hubId, token, tcpHost, tcpPort, idleTimeoutMillis);
    }

    /** This address, with a bound on how long a remote task waits for the driver. */
    public ExchangeAddress withIdleTimeout(long millis) {
        return new ExchangeAddress(hubId, token, host, port, millis);
    }

    public boolean tcp() {
        return port >= 0;
    }
}
