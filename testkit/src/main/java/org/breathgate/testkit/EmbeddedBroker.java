package org.breathgate.testkit;

import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-process MQTT broker for tests: HiveMQ Community Edition embedded, MQTT 3.1.1 and 5 with
 * shared subscriptions, on a free loopback port, with in-memory persistence in a temporary folder.
 * The same library the receiver embeds when no external broker is configured.
 *
 * <p>{@link #restart()} keeps the port but, like a crashed broker, forgets sessions and queued
 * messages (use {@link MosquittoBroker.Options#withPersistence()} to test durable broker state).
 * Starting takes about 2 s, stopping about 4 s.
 */
public final class EmbeddedBroker implements TestBroker {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker on a free port. */
    public static EmbeddedBroker start() {
        return start(Ports.free());
    }

    /** Starts a broker on {@code port} of 127.0.0.1. */
    public static EmbeddedBroker start(int port) {
        Path dir;
        try {
            dir = Files.createTempDirectory("breathgate-hivemq-");
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(dir.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                      </listeners>
                      <persistence><mode>in-memory</mode></persistence>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a folder for the embedded broker", e);
        }
        EmbeddedBroker broker = new EmbeddedBroker(dir, port);
        try {
            broker.launch();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** {@code tcp://127.0.0.1:PORT}. */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker; {@link #restart()} starts it again. */
    public synchronized void stop() {
        if (hivemq == null) {
            return;
        }
        EmbeddedHiveMQ running = hivemq;
        hivemq = null;
        try {
            running.stop().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            running.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the embedded broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the embedded broker did not stop within " + TIMEOUT.toSeconds() + " s", e);
        }
    }

    /** Stops and starts the broker on the same port (with empty state). */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Stops the broker and deletes its folder. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            MosquittoBroker.deleteRecursively(dir);
        }
    }

    private void launch() {
        // A stopped EmbeddedHiveMQ cannot start again (its metrics stay registered): build a new one.
        EmbeddedHiveMQ fresh = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        try {
            fresh.start().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(fresh);
            throw new IllegalStateException("interrupted while starting the embedded broker", e);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(fresh);
            throw new IllegalStateException("the embedded broker did not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        if (!Ports.awaitAccepting(port, TIMEOUT)) {
            closeQuietly(fresh);
            throw new IllegalStateException("the embedded broker started but does not accept connections on port " + port);
        }
        hivemq = fresh;
    }

    private static void closeQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.close();
        } catch (ExecutionException e) {
            // already failed to start; the start failure is what is reported
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
