package org.breathgate.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for test servers. */
public final class Ports {

    private Ports() {
    }

    /** Where Linux says its ephemeral range is; the kernel's default when it cannot be read. */
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    /** How many ports below the ephemeral range a test server may take. */
    private static final int SPAN = 12_000;

    /**
     * A port on 127.0.0.1 that was free a moment ago, chosen <em>below</em> the operating system's ephemeral
     * range. A test server that stops and starts again on the same port (a restarted broker, a TPM that stops
     * answering) would otherwise find it taken: while it is down, any outgoing connection of a test running
     * beside it may get that port as its own local port, and the server's bind then fails. Ports the OS
     * hands out for {@code bind(0)} and {@code connect} never come from below the range.
     */
    public static int free() {
        return freeRun(1);
    }

    /**
     * The first of {@code count} adjacent ports on 127.0.0.1 that were all free a moment ago, below the
     * ephemeral range like {@link #free()} (swtpm, for one, puts its control channel on the port after its
     * server's).
     */
    public static int freeRun(int count) {
        if (count < 1 || count > 16) {
            throw new IllegalArgumentException("count must be 1..16: " + count);
        }
        int high = ephemeralLow() - count; // the last first port whose run stays below the range
        int low = Math.max(1024, high - SPAN);
        for (int attempt = 0; attempt < 500; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(low, high + 1);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " free adjacent loopback ports in " + low + ".." + (high + count - 1));
    }

    private static boolean allFree(int first, int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int port = first; port < first + count; port++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // it was only a probe
                }
            }
        }
    }

    static int ephemeralLow() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            return low > 1024 + SPAN / 4 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until 127.0.0.1:{@code port} accepts connections; false if {@code timeout} passes first. */
    public static boolean awaitAccepting(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (accepts(port)) {
                return true;
            }
            sleep(25);
        }
        return false;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
