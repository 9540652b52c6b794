package org.breathgate.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * TLS in front of the receiver's embedded broker, which speaks plain TCP on loopback: devices are told an
 * {@code ssl://} broker and its certificate at enrollment, as in a deployment where a TLS terminator or
 * Mosquitto stands in front (docs/receiver.md, "Enrollment"). Here the terminator is {@code socat}, with the
 * demo's self-signed broker certificate.
 */
final class BrokerTls implements AutoCloseable {

    private final Process socat;
    private final int port;

    private BrokerTls(Process socat, int port) {
        this.socat = socat;
        this.port = port;
    }

    /**
     * Starts {@code socat} listening with TLS on a free loopback port and forwarding to 127.0.0.1:{@code brokerPort}.
     *
     * @throws IOException if socat cannot be started or does not listen within 10 s (its output is in {@code log})
     */
    static BrokerTls start(Path certificate, Path key, int brokerPort, Path log) throws IOException {
        int port = LinkSwitch.freePort();
        Process p = new ProcessBuilder("socat", "OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" + certificate
                + ",key=" + key, "TCP:127.0.0.1:" + brokerPort).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BrokerTls tls = new BrokerTls(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                tls.close();
                throw new IOException("socat (TLS for the broker) exited at once: " + Files.readString(log).strip());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return tls;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        tls.close();
        throw new IOException("socat (TLS for the broker) did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The TLS port devices use. */
    int port() {
        return port;
    }

    /** The socat process and what it forked for connections. */
    ProcessHandle process() {
        return socat.toHandle();
    }

    @Override
    public void close() {
        // socat forks a child per connection: stop those too, not only the listener.
        socat.toHandle().descendants().forEach(ProcessHandle::destroy);
        socat.destroy();
        try {
            if (!socat.waitFor(5, TimeUnit.SECONDS)) {
                socat.destroyForcibly();
                socat.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            socat.destroyForcibly();
        }
    }
}
