package org.breathgate.agent.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.breathgate.testkit.TcpProxy;

/**
 * A {@link TcpProxy} tap that reads the TLS 1.3 handshake of each connection through the proxy: whether the
 * client's ClientHello offered a session ticket (the {@code pre_shared_key} extension, 41), whether the server's
 * ServerHello accepted it (the same extension in its answer: a resumed session, no certificate sent), and the bytes
 * of the ClientHello and of the server's first flight (everything the server sends before the client speaks again:
 * ServerHello, and for a full handshake its certificate chain and signature).
 *
 * <p>Reads are gathered until a whole TLS record is there: a ClientHello may come in more than one read, and
 * {@code pre_shared_key} is always its last extension, so a parser of the first read alone can miss it.
 */
public final class TlsHandshakes implements TcpProxy.Tap {

    /** One connection's handshake as seen on the wire. */
    public static final class Handshake {
        private final ByteArrayOutputStream hello = new ByteArrayOutputStream();
        private final ByteArrayOutputStream serverHello = new ByteArrayOutputStream();
        private boolean helloDone;
        private boolean flightDone;
        private long clientHelloBytes;
        private long serverFlightBytes;

        /** Whether the ClientHello offered a session ticket. */
        public synchronized boolean offered() {
            return helloDone && hasExtension(hello.toByteArray(), 1, 41);
        }

        /** Whether the ServerHello accepted the offered ticket (a resumed session). */
        public synchronized boolean resumed() {
            return flightDone && hasExtension(serverHello.toByteArray(), 2, 41);
        }

        public synchronized long clientHelloBytes() {
            return clientHelloBytes;
        }

        /** The server's first flight: everything it sent before the client's next bytes. */
        public synchronized long serverFlightBytes() {
            return serverFlightBytes;
        }

        /** Whether the handshake's first two flights have been seen. */
        public synchronized boolean seen() {
            return helloDone && flightDone;
        }

        @Override
        public synchronized String toString() {
            return (resumed() ? "resumed" : offered() ? "ticket offered, refused" : "full") + " (ClientHello " + clientHelloBytes
                    + " B, server's flight " + serverFlightBytes + " B)";
        }

        private synchronized void bytes(boolean up, byte[] b, int offset, int length) {
            if (up) {
                if (!helloDone) {
                    hello.write(b, offset, length);
                    clientHelloBytes += length;
                    helloDone = complete(hello.toByteArray());
                } else if (serverFlightBytes > 0) {
                    flightDone = true;
                }
            } else if (helloDone && !flightDone) {
                serverFlightBytes += length;
                if (!complete(serverHello.toByteArray())) {
                    serverHello.write(b, offset, length);
                }
            }
        }
    }

    private final Map<Long, Handshake> connections = new TreeMap<>();

    @Override
    public void bytes(boolean up, long connection, byte[] buffer, int offset, int length) {
        Handshake h;
        synchronized (connections) {
            h = connections.computeIfAbsent(connection, c -> new Handshake());
        }
        h.bytes(up, buffer, offset, length);
    }

    /** The handshakes so far, by the proxy's connection number. */
    public Map<Long, Handshake> connections() {
        synchronized (connections) {
            return new TreeMap<>(connections);
        }
    }

    /** Whether {@code b} starts with a whole TLS record. */
    private static boolean complete(byte[] b) {
        return b.length >= 5 && b.length >= 5 + (((b[3] & 0xff) << 8) | (b[4] & 0xff));
    }

    /**
     * Whether the first record of {@code b} is a handshake message of {@code type} (1 ClientHello, 2 ServerHello)
     * with the extension {@code extension}.
     */
    static boolean hasExtension(byte[] b, int type, int extension) {
        try {
            ByteBuffer r = ByteBuffer.wrap(b);
            if (r.get() != 22) { // handshake record
                return false;
            }
            r.position(r.position() + 4); // record version and length
            if (r.get() != type) {
                return false;
            }
            r.position(r.position() + 3 + 2 + 32); // handshake length, legacy version, random
            // Each length is read before the position it moves from: in r.position(r.position() + r.get()) Java
            // reads the position first, so the skip would fall one length field short (the bug that hid every
            // offered ticket from this benchmark's first version).
            int sessionId = r.get() & 0xff;
            r.position(r.position() + sessionId);
            if (type == 1) {
                int suites = r.getShort() & 0xffff;
                r.position(r.position() + suites);
                int compression = r.get() & 0xff;
                r.position(r.position() + compression);
            } else {
                r.position(r.position() + 2 + 1); // the chosen cipher suite and compression
            }
            int extensions = r.getShort() & 0xffff;
            int end = r.position() + extensions;
            while (r.position() + 4 <= end) {
                int t = r.getShort() & 0xffff;
                int len = r.getShort() & 0xffff;
                if (t == extension) {
                    return true;
                }
                r.position(r.position() + len);
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
