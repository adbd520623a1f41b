package io.github.vaespark.train.exchange;

import java.io.Serializable;

/**
 * How a task reaches its job's hub: by id in the driver's JVM, or over TCP at host:port with the
 * hub's token (shipped inside the task closure, so only the job's own tasks know it).
 *
 * @param port the driver's exchange port, or -1 when every task runs in the driver's JVM
 */
public record ExchangeAddress(String hubId, byte[] token, String host, int port) implements Serializable {

    /** This address, reached over TCP at host:port. */
    public ExchangeAddress overTcp(String tcpHost, int tcpPort) {
        return new ExchangeAddress(hubId, token, tcpHost, tcpPort);
    }

    public boolean tcp() {
        return port >= 0;
    }
}
