package org.breathgate.testkit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy between a client and a server, for cutting the network in tests: the client
 * (e.g. a device agent) connects to {@link #port()}, the proxy connects on to the target (e.g. a
 * broker) and copies bytes both ways.
 *
 * <ul>
 *   <li>{@link #cut()}: the network is gone. Every open connection is reset (RST, no FIN), the port
 *       stops accepting, so reconnect attempts are refused.</li>
 *   <li>{@link #blackhole()}: the network silently stops carrying anything. Connections stay open,
 *       bytes in both directions are dropped, new connections are accepted and then hear nothing: what a
 *       pulled cable or a dead mobile link looks like; only keep-alive timeouts notice.</li>
 *   <li>{@link #restore()}: bytes flow again and the port accepts (on the same port).</li>
 * </ul>
 *
 * <p>It counts what it carries, as a metered link would: bytes and reads (roughly, TCP segments) each way,
 * {@link #traffic()}; and a {@link Tap} can watch the bytes of each direction as they pass (e.g. to tell MQTT
 * packets apart on a plain connection). TCP/IP headers are not seen by a proxy and not counted.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(broker.port())) {
 *     agentSettings.put("mqtt.uri", proxy.uri());
 *     proxy.cut(); ... proxy.restore();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);

    private enum State { OPEN, BLACKHOLE, CUT, CLOSED }

    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicLong readsUp = new AtomicLong();
    private final AtomicLong readsDown = new AtomicLong();
    private volatile Tap tap = (up, connection, buffer, offset, length) -> { };
    private volatile State state = State.OPEN;
    private ServerSocket server;
    private Thread acceptor;

    private TcpProxy(int port, int targetPort) {
        this.port = port;
        this.targetPort = targetPort;
    }

    /** A proxy on a free loopback port to 127.0.0.1:{@code targetPort}, carrying bytes. */
    public static TcpProxy start(int targetPort) {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            TcpProxy proxy = new TcpProxy(Ports.free(), targetPort);
            try {
                proxy.listen();
                return proxy;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("the TCP proxy found no free port", last);
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** {@code tcp://127.0.0.1:PORT} of the proxy, for MQTT clients. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** What has passed so far: up is client to target, down is target to client. */
    public record Traffic(long bytesUp, long bytesDown, long readsUp, long readsDown, long connections) {
        /** Bytes both ways. */
        public long bytes() {
            return bytesUp + bytesDown;
        }

        /** What passed between {@code earlier} and this. */
        public Traffic minus(Traffic earlier) {
            return new Traffic(bytesUp - earlier.bytesUp, bytesDown - earlier.bytesDown, readsUp - earlier.readsUp,
                    readsDown - earlier.readsDown, connections - earlier.connections);
        }
    }

    /** Sees every chunk of bytes the proxy carries, on the pumping thread, before it is forwarded. */
    @FunctionalInterface
    public interface Tap {
        /**
         * @param up         client to target (true) or back (false)
         * @param connection which accepted connection, from 1
         */
        void bytes(boolean up, long connection, byte[] buffer, int offset, int length);
    }

    /** Watches the bytes from now on (one tap at a time). */
    public void tap(Tap tap) {
        this.tap = java.util.Objects.requireNonNull(tap, "tap");
    }

    /** Bytes and reads carried each way so far, and connections accepted. */
    public Traffic traffic() {
        return new Traffic(bytesUp.get(), bytesDown.get(), readsUp.get(), readsDown.get(), connections.get());
    }

    /** Connections accepted so far (reconnects show here). */
    public long connectionsAccepted() {
        return connections.get();
    }

    /** Resets every open connection and stops accepting: the network is gone. */
    public synchronized void cut() {
        requireNotClosed();
        state = State.CUT;
        closeServer();
        resetAll();
        LOG.info("proxy :{} -> :{} cut", port, targetPort);
    }

    /** Drops every byte from now on, both ways, without closing anything. */
    public synchronized void blackhole() {
        requireNotClosed();
        state = State.BLACKHOLE;
        LOG.info("proxy :{} -> :{} silently dropping", port, targetPort);
    }

    /**
     * Carries bytes again. After a {@link #blackhole()} the silent connections are reset first (their
     * streams have holes in them, which no protocol could survive), so clients reconnect.
     */
    public synchronized void restore() {
        requireNotClosed();
        if (state == State.BLACKHOLE) {
            resetAll();
        }
        state = State.OPEN;
        if (server == null || server.isClosed()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try {
                    listen();
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new UncheckedIOException("the TCP proxy cannot listen on port " + port + " again", e);
                    }
                    Ports.sleep(50);
                }
            }
        }
        LOG.info("proxy :{} -> :{} restored", port, targetPort);
    }

    @Override
    public synchronized void close() {
        state = State.CLOSED;
        closeServer();
        resetAll();
    }

    private void requireNotClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("the proxy is closed");
        }
    }

    private void listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server = s;
        acceptor = new Thread(() -> acceptLoop(s), "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed by cut() or close()
            }
            long connection = connections.incrementAndGet();
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
            } catch (IOException e) {
                LOG.debug("proxy :{} cannot reach :{}: {}", port, targetPort, e.getMessage());
                reset(client);
                reset(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(client, upstream, true, connection);
            pump(upstream, client, false, connection);
        }
    }

    private void pump(Socket from, Socket to, boolean up, long connection) {
        String direction = up ? "up" : "down";
        AtomicLong bytes = up ? bytesUp : bytesDown;
        AtomicLong reads = up ? readsUp : readsDown;
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (state == State.OPEN) {
                        bytes.addAndGet(n);
                        reads.incrementAndGet();
                        tap.bytes(up, connection, buffer, 0, n);
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                    // BLACKHOLE: read and forget, so the sender's buffers never fill and tell it anything
                }
            } catch (IOException e) {
                // reset or closed: the other direction notices too
            } finally {
                if (state != State.BLACKHOLE) {
                    reset(from);
                    reset(to);
                }
            }
        }, "tcp-proxy-" + direction + "-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void closeServer() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.debug("closing the proxy's server socket: {}", e.getMessage());
            }
        }
    }

    private void resetAll() {
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    /** Closes with SO_LINGER 0: the peer gets a RST, as when a route disappears, not an orderly FIN. */
    private void reset(Socket socket) {
        sockets.remove(socket);
        try {
            if (!socket.isClosed()) {
                try {
                    socket.setSoLinger(true, 0);
                } catch (SocketException e) {
                    // not connected: a plain close will do
                }
                socket.close();
            }
        } catch (IOException e) {
            LOG.debug("closing a proxied socket: {}", e.getMessage());
        }
    }
}
