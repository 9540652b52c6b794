package org.breathgate.agent.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Unix socket through which the technician's CLI asks the running agent to act (today: run one
 * breath test now), since the agent holds the serial port. One request line in, one answer line
 * out; one client at a time. Only local users who may open the socket file can use it (the agent's
 * user and root).
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Path socket;
    private final ServerSocketChannel server;
    private final Function<String, String> handler;
    private final Thread thread;
    private volatile boolean closed;

    private ControlServer(Path socket, ServerSocketChannel server, Function<String, String> handler, String name) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.thread = new Thread(this::serve, name);
        this.thread.setDaemon(true);
    }

    /**
     * Listens on {@code socket} (a stale socket file from a killed agent is replaced).
     *
     * @param handler answers one request line with one line; called on the server's own thread
     */
    public static ControlServer start(Path socket, Function<String, String> handler, String threadName) throws IOException {
        Objects.requireNonNull(handler, "handler");
        Files.createDirectories(socket.toAbsolutePath().getParent());
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        ControlServer s = new ControlServer(socket, server, handler, threadName);
        s.thread.start();
        return s;
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel client = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                String request = in.readLine();
                if (request == null) {
                    continue;
                }
                String answer;
                try {
                    answer = handler.apply(request.strip());
                } catch (RuntimeException e) {
                    LOG.error("Control request '{}' failed", request, e);
                    answer = "{\"error\":\"internal\",\"message\":\"" + String.valueOf(e.getMessage()).replace('"', '\'') + "\"}";
                }
                OutputStream out = Channels.newOutputStream(client);
                out.write((answer.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Control socket {}: {}", socket, e.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing control socket", e);
        }
        thread.interrupt();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("removing control socket", e);
        }
    }

    /** Sends one request line to the agent listening on {@code socket} and returns its one-line answer. */
    public static String ask(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String answer = in.readLine();
            if (answer == null) {
                throw new IOException("the agent closed the control connection without answering");
            }
            return answer;
        }
    }
}
