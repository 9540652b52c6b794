package org.breathgate.receiver.ingest.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The MQTT broker the receiver runs in-process when no external broker is configured: HiveMQ
 * Community Edition embedded (MQTT 3.1.1 and 5, shared subscriptions). For the demo and a
 * single-box installation only: it has no per-device ACL, so bind it to loopback (the default) or
 * a trusted network; real deployments use Mosquitto or a clustered broker (see
 * {@code docs/receiver.md}).
 *
 * <p>Sessions and queued messages are kept in {@code dataDir} and survive a restart.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
    private static final long TIMEOUT_SECONDS = 60;
    /**
     * Messages queued for one client (the receivers' shared subscription) at most: about a hundred
     * readings from each of a thousand devices coming back at once (kept on disk, about 1 KB each).
     */
    static final int MAX_QUEUED_MESSAGES = 200_000;

    private final String bindAddress;
    private final int port;
    private final EmbeddedHiveMQ hivemq;

    private EmbeddedMqttBroker(String bindAddress, int port, EmbeddedHiveMQ hivemq) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.hivemq = hivemq;
    }

    /**
     * Starts a broker listening on {@code bindAddress:port}, keeping its state in {@code dataDir}.
     *
     * @throws IllegalStateException if it does not start within 60 s (e.g. the port is taken)
     */
    public static EmbeddedMqttBroker start(String bindAddress, int port, Path dataDir) {
        Path conf = dataDir.resolve("conf");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(dataDir.resolve("data"));
            Files.createDirectories(dataDir.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <!-- Written by the Breathgate receiver at every start; edits are overwritten. -->
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>%s</bind-address></tcp-listener>
                      </listeners>
                      <persistence><mode>file</mode></persistence>
                      <mqtt>
                        <!-- The receivers' queue: HiveMQ's default of 1000 discards the rest when the receiver falls
                             behind (a reconnect storm, a restart), and each device then waits out its ack timeout. -->
                        <queued-messages><max-queue-size>%d</max-queue-size><strategy>discard</strategy></queued-messages>
                      </mqtt>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port, xml(bindAddress), MAX_QUEUED_MESSAGES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker's folder " + dataDir, e);
        }
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(dataDir.resolve("data"))
                .withExtensionsFolder(dataDir.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAfterFailure(hivemq, e);
            throw new IllegalStateException("interrupted while starting the embedded MQTT broker", e);
        } catch (ExecutionException | TimeoutException e) {
            closeAfterFailure(hivemq, e);
            throw new IllegalStateException("the embedded MQTT broker did not start on " + bindAddress + ":" + port
                    + " (is the port taken? set broker.port or configure an external broker): " + e.getMessage(), e);
        }
        LOG.info("embedded MQTT broker listening on {}:{}", bindAddress, port);
        return new EmbeddedMqttBroker(bindAddress, port, hivemq);
    }

    /** The URI clients connect to, e.g. {@code tcp://127.0.0.1:1883}. */
    public String uri() {
        String host = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        return "tcp://" + host + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker (waits up to 60 s). */
    @Override
    public void close() {
        try {
            hivemq.stop().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            hivemq.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping the embedded MQTT broker");
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the embedded MQTT broker did not stop cleanly: {}", e.getMessage());
        }
    }

    private static void closeAfterFailure(EmbeddedHiveMQ hivemq, Exception cause) {
        try {
            hivemq.close();
        } catch (ExecutionException e) {
            cause.addSuppressed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
