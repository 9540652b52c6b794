package org.breathgate.receiver.ingest.broker;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import org.breathgate.receiver.https.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The MQTT broker the receiver runs in-process when no external broker is configured: HiveMQ Community Edition embedded
 * (MQTT 3.1.1 and 5, shared subscriptions), with a door of its own ({@link BrokerGuard}) that knows every device by its
 * login from the device registry:
 * <ul>
 *   <li>every client logs in, on every listener: a device as itself (user name and client id = its device id, the
 *       password it got at enrollment), the receivers as {@link #RECEIVER_USERNAME}; anonymous clients are refused;</li>
 *   <li>a device publishes only on its own {@code up/…} topics and subscribes only to its own {@code down/…}; only
 *       receivers use {@code $share/…} and publish on {@code down/…} ({@link TopicRules});</li>
 *   <li>a device whose login is replaced or removed (revoked, deprovisioned) is disconnected at once;</li>
 *   <li>two listeners: plain MQTT on loopback for the receiver itself (it refuses any other address: the plain listener
 *       carries passwords in clear), and MQTT over TLS for devices, with a configured certificate or one made on first
 *       start ({@link Settings});</li>
 *   <li>packets of at most {@link Settings#DEFAULT_MAX_PACKET_BYTES} (the protocol's 16 KiB message and MQTT's headers),
 *       and at most {@link Settings#DEFAULT_MAX_QUEUED_MESSAGES} messages queued for one client
 *       (docs/receiver.md, "The embedded broker").</li>
 * </ul>
 *
 * <p>Sessions and queued messages are kept in {@code dataDir} and survive a restart.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
    private static final long TIMEOUT_SECONDS = 60;

    /** The user name of the receivers' login (a name no device can have: {@code receiver} is reserved). */
    public static final String RECEIVER_USERNAME = "receiver";
    /**
     * QoS 1 messages the broker sends a client before it waits for that client's PUBACKs (MQTT 3.1.1 has no receive maximum
     * to announce). HiveMQ CE's own is 50. The receiver PUBACKs only after a batch is durably committed, a few milliseconds
     * later, so with 50 a backlog drained at about 850 readings a second on 2 cores, and with 500 at about 2 800
     * (docs/benchmarks.md). Half a megabyte of readings in flight per client at most; a device's downlink never has that many.
     */
    public static final int IN_FLIGHT_WINDOW = 500;
    /** The file in the broker's folder holding the receivers' password (made on first start, 0600). */
    public static final String RECEIVER_PASSWORD_FILE = "receiver-password";

    /**
     * How the embedded broker listens and what it bounds.
     *
     * @param dataDir           its folder (configuration written at each start, sessions, the receivers' password)
     * @param bind              the plain listener's address: loopback only
     * @param port              the plain listener's port
     * @param tlsBind           the TLS listener's address (devices): {@code 0.0.0.0} to face devices directly
     * @param tlsPort           the TLS listener's port, or 0 for no TLS listener
     * @param tls               the TLS listener's certificate and key; required with a TLS port
     * @param maxPacketBytes    the largest MQTT packet accepted; a larger one closes the connection
     * @param maxQueuedMessages messages queued for one client at most (a persistent session while it is away, or a slow
     *                          reader); beyond it HiveMQ discards new messages for that client (devices resend what was
     *                          not acked, so evidence is late, not lost)
     */
    public record Settings(Path dataDir, String bind, int port, String tlsBind, int tlsPort, TlsIdentity tls, int maxPacketBytes,
                           long maxQueuedMessages) {

        /**
         * The protocol's largest message (16 KiB) plus MQTT's fixed header, topic and packet id, with room to spare; far
         * below HiveMQ's default of about 256 MB, which let one client run the receiver or a device out of memory.
         */
        public static final int DEFAULT_MAX_PACKET_BYTES = 20_000;
        /**
         * A device's backlog after days offline, times a fleet coming back at once, fits: 500 devices × 40 events. HiveMQ's
         * default (1000) dropped most of a fast publisher's burst to a slow receiver (measured: 3,869 of 20,000 arrived).
         */
        public static final long DEFAULT_MAX_QUEUED_MESSAGES = 20_000;

        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(bind, "bind");
            if (!isLoopback(bind)) {
                throw new IllegalArgumentException("the embedded broker's plain MQTT listener carries logins in clear and binds"
                        + " loopback only, not " + bind + ": let devices use its TLS listener (broker.embedded.tls.*)");
            }
            if (port < 1 || port > 65535 || tlsPort < 0 || tlsPort > 65535) {
                throw new IllegalArgumentException("ports must be 1-65535 (the TLS port 0 for none)");
            }
            if (tlsPort > 0) {
                Objects.requireNonNull(tlsBind, "tlsBind");
                Objects.requireNonNull(tls, "a TLS listener needs its certificate");
            }
            if (maxPacketBytes < 17_000 || maxQueuedMessages < 1) {
                throw new IllegalArgumentException("max packet size must hold a 16 KiB message (at least 17000 bytes) and the"
                        + " queue at least one message");
            }
        }

        /** Only the plain loopback listener, default limits: tests and the receiver's own use. */
        public static Settings plain(Path dataDir, int port) {
            return new Settings(dataDir, "127.0.0.1", port, null, 0, null, DEFAULT_MAX_PACKET_BYTES, DEFAULT_MAX_QUEUED_MESSAGES);
        }

        static boolean isLoopback(String address) {
            try {
                return InetAddress.getByName(address).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
    }

    private final Settings settings;
    private final EmbeddedHiveMQ hivemq;
    private final BrokerGuard guard;
    private final String receiverPassword;

    private EmbeddedMqttBroker(Settings settings, EmbeddedHiveMQ hivemq, BrokerGuard guard, String receiverPassword) {
        this.settings = settings;
        this.hivemq = hivemq;
        this.guard = guard;
        this.receiverPassword = receiverPassword;
    }

    /**
     * Starts the broker described by {@code settings}, checking devices' logins with {@code logins}.
     *
     * @throws IllegalStateException if it does not start within 60 s (e.g. a port is taken)
     */
    public static EmbeddedMqttBroker start(Settings settings, DeviceLogins logins) {
        Path dataDir = settings.dataDir();
        Path conf = dataDir.resolve("conf");
        String receiverPassword;
        try {
            Files.createDirectories(conf);
            Files.createDirectories(dataDir.resolve("data"));
            Files.createDirectories(dataDir.resolve("extensions"));
            receiverPassword = receiverPassword(dataDir);
            String tlsListener = "";
            if (settings.tlsPort() > 0) {
                String storePassword = randomSecret();
                Path store = conf.resolve("tls.p12");
                writeKeyStore(settings.tls(), store, storePassword);
                tlsListener = """
                        <tls-tcp-listener>
                          <port>%d</port><bind-address>%s</bind-address><name>devices-tls</name>
                          <tls>
                            <keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore>
                            <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>
                          </tls>
                        </tls-tcp-listener>
                        """.formatted(settings.tlsPort(), xml(settings.tlsBind()), xml(store.toAbsolutePath().toString()),
                        storePassword, storePassword);
            }
            writePrivate(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <!-- Written by the Breathgate receiver at every start; edits are overwritten. -->
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>%s</bind-address><name>receiver-loopback</name></tcp-listener>
                        %s
                      </listeners>
                      <mqtt>
                        <packets><max-packet-size>%d</max-packet-size></packets>
                        <queued-messages><max-queue-size>%d</max-queue-size><strategy>discard</strategy></queued-messages>
                        <session-expiry><max-interval>604800</max-interval></session-expiry>
                      </mqtt>
                      <security>
                        <allow-empty-client-id><enabled>false</enabled></allow-empty-client-id>
                      </security>
                      <persistence><mode>file</mode></persistence>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(settings.port(), xml(settings.bind()), tlsListener, settings.maxPacketBytes(),
                    settings.maxQueuedMessages()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker's folder " + dataDir, e);
        }
        // HiveMQ CE has no configuration element for it: its internal setting, read when a client's window is checked
        InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = IN_FLIGHT_WINDOW;
        BrokerGuard guard = new BrokerGuard(logins, receiverPassword);
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(dataDir.resolve("data"))
                .withExtensionsFolder(dataDir.resolve("extensions"))
                .withEmbeddedExtension(EmbeddedExtension.builder().withId("breathgate-guard").withName("Breathgate device logins")
                        .withVersion("1").withAuthor("Breathgate").withPriority(1000).withStartPriority(1000)
                        .withExtensionMain(guard).build())
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAfterFailure(hivemq, guard, e);
            throw new IllegalStateException("interrupted while starting the embedded MQTT broker", e);
        } catch (ExecutionException | TimeoutException e) {
            closeAfterFailure(hivemq, guard, e);
            throw new IllegalStateException("the embedded MQTT broker did not start on " + settings.bind() + ":" + settings.port()
                    + (settings.tlsPort() > 0 ? " and " + settings.tlsBind() + ":" + settings.tlsPort() + " (TLS)" : "")
                    + " (is a port taken? set broker.embedded.port / broker.embedded.tls.port, or configure an external broker): "
                    + e.getMessage(), e);
        }
        LOG.info("embedded MQTT broker listening on {}:{} (receivers){}; every client logs in", settings.bind(), settings.port(),
                settings.tlsPort() > 0 ? " and " + settings.tlsBind() + ":" + settings.tlsPort() + " (TLS, devices)" : "");
        return new EmbeddedMqttBroker(settings, hivemq, guard, receiverPassword);
    }

    /** The URI the receiver connects to, e.g. {@code tcp://127.0.0.1:1883}. */
    public String uri() {
        return "tcp://" + settings.bind() + ":" + settings.port();
    }

    /** The TLS listener's URI on loopback ({@code ssl://127.0.0.1:PORT}), if there is one. */
    public java.util.Optional<String> tlsUri() {
        return settings.tlsPort() == 0 ? java.util.Optional.empty() : java.util.Optional.of("ssl://127.0.0.1:" + settings.tlsPort());
    }

    public int port() {
        return settings.port();
    }

    /** The TLS listener's port, or 0. */
    public int tlsPort() {
        return settings.tlsPort();
    }

    /** The receivers' user name and password on this broker. */
    public String receiverPassword() {
        return receiverPassword;
    }

    /** The receiver changed a login: disconnect whoever it concerns now, not at the next look. */
    public void loginsChanged() {
        guard.wake();
    }

    /** Stops the broker (waits up to 60 s). */
    @Override
    public void close() {
        guard.close();
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

    /**
     * The receivers' password in {@code brokerDir}/{@value #RECEIVER_PASSWORD_FILE}, made there (192 random bits, 0600)
     * if absent: admin commands in another process read it to reach the running broker.
     */
    public static String receiverPassword(Path brokerDir) throws IOException {
        Path file = brokerDir.resolve(RECEIVER_PASSWORD_FILE);
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (text.length() >= 16) {
                return text;
            }
        }
        Files.createDirectories(brokerDir);
        String made = randomSecret();
        writePrivate(file, made + "\n");
        return made;
    }

    private static String randomSecret() {
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static void writeKeyStore(TlsIdentity tls, Path file, String password) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "tls", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            tls.keyStore(password.toCharArray()).store(out, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the broker's TLS key store: " + e.getMessage(), e);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void closeAfterFailure(EmbeddedHiveMQ hivemq, BrokerGuard guard, Exception cause) {
        guard.close();
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
