package org.breathgate.hardware.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Two connected pseudo-terminals made by {@code socat}, reachable through stable links
 * {@code <dir>/<name>-host} and {@code <dir>/<name>-device}. {@link #unplug()} kills socat so both
 * ends vanish, as a USB cable pulled out; {@link #replug()} brings them back under the same links.
 */
public final class PtyPair implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

    private final Path host;
    private final Path device;
    private final Path logFile;
    private Process socat;

    private PtyPair(Path dir, String name) {
        this.host = dir.resolve(name + "-host");
        this.device = dir.resolve(name + "-device");
        this.logFile = dir.resolve(name + "-socat.log");
    }

    /**
     * Starts socat and waits until both links exist.
     *
     * @throws IOException if socat is missing ({@code apt-get install socat}) or does not start in 5 s
     */
    public static PtyPair create(Path dir, String name) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(name, "name");
        Files.createDirectories(dir);
        PtyPair pair = new PtyPair(dir, name);
        pair.replug();
        return pair;
    }

    /** The end a driver opens. */
    public Path hostEnd() {
        return host;
    }

    /** The end the simulated device (or a test playing the device) opens. */
    public Path deviceEnd() {
        return device;
    }

    public synchronized boolean isPlugged() {
        return socat != null && socat.isAlive();
    }

    /** Ends socat: both pseudo-terminals and their links disappear. */
    public synchronized void unplug() {
        if (socat == null) {
            return;
        }
        socat.destroy();
        try {
            if (!socat.waitFor(2, TimeUnit.SECONDS)) {
                socat.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socat = null;
        deleteLinks();
    }

    /** Starts socat again (or the first time) with the same links. */
    public synchronized void replug() throws IOException {
        if (isPlugged()) {
            return;
        }
        deleteLinks();
        List<String> command = List.of("socat", "-d", "-d", "pty,raw,echo=0,link=" + host, "pty,raw,echo=0,link=" + device);
        try {
            socat = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new IOException("could not start socat; install it (apt-get install socat): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!(Files.exists(host) && Files.exists(device))) {
            if (!socat.isAlive() || System.nanoTime() - deadline > 0) {
                String log = Files.exists(logFile) ? Files.readString(logFile) : "";
                unplug();
                throw new IOException("socat did not make the pseudo-terminal pair " + host + " / " + device + ": " + log);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                unplug();
                throw new IOException("interrupted while starting socat", e);
            }
        }
    }

    private void deleteLinks() {
        try {
            Files.deleteIfExists(host);
            Files.deleteIfExists(device);
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove old pty links in " + host.getParent() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        unplug();
    }
}
