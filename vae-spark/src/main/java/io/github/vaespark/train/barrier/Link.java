package io.github.vaespark.train.barrier;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import javax.net.ssl.SSLSocket;

/**
 * One exchange connection as the two byte streams the {@link Wire} format travels on: a plain
 * TCP socket channel, or a TLS socket's streams. Reading and writing may happen on two threads.
 */
abstract class Link implements AutoCloseable {

    /** The incoming stream. */
    abstract ReadableByteChannel in();

    /** The outgoing stream. */
    abstract WritableByteChannel out();

    abstract boolean isOpen();

    /** The peer's address, for messages. */
    abstract String peer();

    @Override
    public abstract void close();

    /** A plain TCP connection. */
    static Link plain(SocketChannel channel) {
        return new Link() {
            @Override
            ReadableByteChannel in() {
                return channel;
            }

            @Override
            WritableByteChannel out() {
                return channel;
            }

            @Override
            boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            String peer() {
                return String.valueOf(channel.socket().getRemoteSocketAddress());
            }

            @Override
            public void close() {
                closeQuietly(channel);
            }
        };
    }

    /** A TLS connection whose handshake has completed. */
    static Link tls(SSLSocket socket) throws IOException {
        ReadableByteChannel in = Channels.newChannel(socket.getInputStream());
        WritableByteChannel out = Channels.newChannel(socket.getOutputStream());
        return new Link() {
            @Override
            ReadableByteChannel in() {
                return in;
            }

            @Override
            WritableByteChannel out() {
                return out;
            }

            @Override
            boolean isOpen() {
                return !socket.isClosed();
            }

            @Override
            String peer() {
                return String.valueOf(socket.getRemoteSocketAddress());
            }

            @Override
            public void close() {
                closeQuietly(socket);
            }
        };
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    static void closeQuietly(Socket s) {
        closeQuietly((AutoCloseable) s);
    }
}
