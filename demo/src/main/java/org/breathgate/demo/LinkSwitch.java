package org.breathgate.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One home's network link: a TCP relay on a loopback port to the broker's TLS port that the demo can cut and
 * restore. Bytes pass through untouched (TLS runs end to end between agent and broker). {@link #cut()}
 * closes every connection and stops listening, so the agent sees its connection drop and its reconnects
 * refused, as when a mobile link is gone; {@link #restore()} listens again on the same port.
 */
final class LinkSwitch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkSwitch.class);

    private final String name;
    private final int port;
    private final int targetPort;
    private final List<Socket> sockets = new ArrayList<>();
    private ServerSocket server;
    private Thread acceptor;
    private boolean closed;

    private LinkSwitch(String name, int port, int targetPort) {
        this.name = name;
        this.port = port;
        this.targetPort = targetPort;
    }

    /** A link on a free loopback port to 127.0.0.1:{@code targetPort}, up. */
    static LinkSwitch open(String name, int targetPort) {
        LinkSwitch link = new LinkSwitch(name, freePort(), targetPort);
        link.restore();
        return link;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** The port agents connect to. */
    int port() {
        return port;
    }

    synchronized boolean up() {
        return server != null;
    }

    /** Drops every connection and refuses new ones until {@link #restore()}. */
    synchronized void cut() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
        LOG.info("link {} cut", name);
    }

    /** Listens again (same port). */
    synchronized void restore() {
        if (server != null || closed) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = s;
        } catch (IOException e) {
            throw new UncheckedIOException("link " + name + " cannot listen on 127.0.0.1:" + port, e);
        }
        ServerSocket listening = server;
        acceptor = new Thread(() -> accept(listening), "demo-link-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("link {} up on 127.0.0.1:{}", name, port);
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket in;
            try {
                in = listening.accept();
            } catch (IOException e) {
                return; // cut or closed
            }
            Socket out = new Socket();
            try {
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            } catch (IOException e) {
                LOG.warn("link {}: broker port {} not reachable: {}", name, targetPort, e.toString());
                closeQuietly(in);
                closeQuietly(out);
                continue;
            }
            synchronized (this) {
                if (server != listening) {
                    closeQuietly(in);
                    closeQuietly(out);
                    return;
                }
                sockets.add(in);
                sockets.add(out);
            }
            pump(in, out, "up");
            pump(out, in, "down");
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed, or the link was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                synchronized (this) {
                    sockets.remove(from);
                    sockets.remove(to);
                }
            }
        }, "demo-link-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        cut();
    }
}
