package org.breathgate.agent.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.StoredEvent;
import org.breathgate.agent.photo.PhotoSender;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.Topics;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to the broker; what the receiver answers (acks, configurations) is handled by
 * {@link DownlinkHandler}, which deletes from the outbox only what a verified ack names.
 *
 * <p>One named thread owns the connection: it connects (with a signed "offline" status, made at
 * connect time, as the MQTT last will), drains the outbox in sequence order with at most
 * {@code maxInflight} events awaiting the receiver's ack, resends events whose ack is overdue, sends
 * the latest status heartbeat, and on any failure drops the client and reconnects after a jittered
 * exponential {@link Backoff}. Paho's own reconnect and file persistence are not used: the SQLite
 * outbox is the one source of truth, and after a reconnect everything unacknowledged is sent again
 * (the receiver deduplicates by sequence number).
 *
 * <p>Paho's callback thread only puts messages on a queue; it never blocks or throws.
 */
public final class MqttPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);

    /** Headroom Paho gets above our window, for statuses and resends, so it never refuses with 32202. */
    static final int PAHO_HEADROOM = 16;
    /**
     * A refused login is renewed at most this often: the receiver allows one a minute, and a broker that refuses every
     * login (misconfigured) must not make the device hammer the receiver.
     */
    public static final Duration RENEW_LOGIN_EVERY = Duration.ofMinutes(10);

    private sealed interface Signal permits Inbound, Lost, Wake {
    }

    private record Inbound(String topic, byte[] payload) implements Signal {
    }

    private record Lost(Throwable cause) implements Signal {
    }

    private record Wake() implements Signal {
    }

    private static final Wake WAKE = new Wake();

    private final AgentConfig.Mqtt config;
    private final String deviceId;
    private final Outbox outbox;
    private final MessageSigner signer;
    private final Function<Boolean, DeviceStatus> statusMaker;
    private final DownlinkHandler downlink;
    private final PhotoSender photos;
    private final Backoff backoff;
    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final AtomicReference<SignedMessage> pendingStatus = new AtomicReference<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    /**
     * One TLS context for every connection of this publisher, made at the first: the JDK keeps the broker's
     * TLS 1.3 session tickets in its client session cache, which is what lets a reconnect resume the session
     * (1.4 KB instead of 2.4 KB measured, docs/benchmarks.md "Data use"). A new context per connection, as
     * before, could never resume. Measured: after a clean close the JDK resumes; after an abrupt drop it does not
     * offer the ticket (open finding in docs/benchmarks.md).
     */
    private javax.net.ssl.SSLSocketFactory tls;
    private volatile boolean connected;
    private volatile boolean statusSigningFailed;
    private volatile int inFlightCount;
    private volatile long connects;
    private final java.nio.file.Path renewedPasswordFile;
    private final LoginRenewal renewal;
    private long renewedAtNanos;
    private boolean renewedOnce;

    /**
     * @param statusMaker makes a status heartbeat; its argument is {@code online} (false for the last will)
     * @param random      jitter for reconnect delays
     */
    public MqttPublisher(AgentConfig.Mqtt config, String deviceId, Outbox outbox, MessageVerifier receiverVerifier,
                         MessageSigner signer, Function<Boolean, DeviceStatus> statusMaker, DownlinkListener listener,
                         Random random) {
        this(config, deviceId, outbox, receiverVerifier, signer, statusMaker, listener, random, null);
    }

    /**
     * As above, and sends the outbox's photos with {@code photos} (null: none) after the events,
     * a few chunks per round so that evidence always goes first.
     */
    public MqttPublisher(AgentConfig.Mqtt config, String deviceId, Outbox outbox, MessageVerifier receiverVerifier,
                         MessageSigner signer, Function<Boolean, DeviceStatus> statusMaker, DownlinkListener listener,
                         Random random, PhotoSender photos) {
        this(config, deviceId, outbox, receiverVerifier, signer, statusMaker, listener, random, photos, null, null);
    }

    /**
     * As above, logging in with the password in {@code renewedPasswordFile} when it exists (a login the device renewed),
     * else {@code mqtt.password.file}; and when the broker refuses the login, asking {@code renewal} for a new one (null:
     * never).
     */
    public MqttPublisher(AgentConfig.Mqtt config, String deviceId, Outbox outbox, MessageVerifier receiverVerifier,
                         MessageSigner signer, Function<Boolean, DeviceStatus> statusMaker, DownlinkListener listener,
                         Random random, PhotoSender photos, java.nio.file.Path renewedPasswordFile, LoginRenewal renewal) {
        this.renewedPasswordFile = renewedPasswordFile;
        this.renewal = renewal;
        this.photos = photos;
        this.config = Objects.requireNonNull(config, "config");
        this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.statusMaker = Objects.requireNonNull(statusMaker, "statusMaker");
        this.downlink = new DownlinkHandler(deviceId, outbox, Objects.requireNonNull(receiverVerifier, "receiverVerifier"),
                Objects.requireNonNull(listener, "listener"), photos);
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax(), random);
        this.thread = new Thread(this::run, "breathgate-publish-" + deviceId);
        this.thread.setDaemon(true);
    }

    /** Starts the connection thread. */
    public void start() {
        thread.start();
    }

    /** New events are in the outbox: send them soon. Cheap; call after every append. */
    public void wakeUp() {
        if (wakePending.compareAndSet(false, true)) {
            signals.offer(WAKE);
        }
    }

    /**
     * Sends {@code status} when connected. Heartbeats are coalesced: if an earlier one has not gone
     * yet it is replaced, so an offline device does not pile them up.
     */
    public void publishStatus(DeviceStatus status) {
        SignedMessage signed = signStatus(status);
        if (signed != null) {
            pendingStatus.set(signed);
            wakeUp();
        }
    }

    /**
     * Signs a status, or, when the device key cannot sign (a TPM that does not answer), returns null: a status is
     * not evidence and is not kept, and the connection must not depend on the key, so that the readings already
     * signed are still delivered. The evidence recorder reports the key's failure (stored unsigned, signed late).
     */
    private SignedMessage signStatus(DeviceStatus status) {
        try {
            SignedMessage signed = signer.sign(status);
            statusSigningFailed = false;
            return signed;
        } catch (SigningKey.SigningFailedException e) {
            if (!statusSigningFailed) {
                LOG.warn("No status heartbeat or last will while the device key cannot sign: {}", e.getMessage());
            }
            statusSigningFailed = true;
            return null;
        }
    }

    public PublisherStats stats() {
        return new PublisherStats(connected, inFlightCount, downlink.acked(), downlink.quarantined(), connects, downlink.lastAck());
    }

    /** Stops: sends an "offline" status if connected, disconnects, and ends the thread. Idempotent. */
    @Override
    public void close() {
        closing.countDown();
        signals.offer(WAKE);
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                thread.interrupt();
            }
        }
    }

    private boolean closing() {
        return closing.getCount() == 0;
    }

    private void run() {
        while (!closing()) {
            MqttAsyncClient client = null;
            try {
                client = connect();
                connected = true;
                connects++;
                backoff.reset();
                LOG.info("Connected to {} as {}", config.brokerUri(), config.clientId());
                session(client);
            } catch (MqttException e) {
                LOG.warn("MQTT connection to {} failed or was lost: {} (reason {})", config.brokerUri(), e.getMessage(), e.getReasonCode());
                if (!connected && refusedLogin(e)) {
                    renewLogin();
                }
            } catch (GeneralSecurityException | IOException e) {
                LOG.error("TLS set-up for {} failed: {}; check mqtt.tls.* in the configuration", config.brokerUri(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The outbox failed (e.g. disk error): keep going, the next attempt may succeed.
                LOG.error("Publishing stopped by an error; reconnecting", e);
            } finally {
                connected = false;
                inFlightCount = 0;
                dispose(client);
            }
            if (closing()) {
                return;
            }
            Duration delay = backoff.next();
            LOG.info("Reconnecting in {} ms (attempt {})", delay.toMillis(), backoff.attempts());
            try {
                if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private MqttAsyncClient connect() throws MqttException, GeneralSecurityException, IOException, InterruptedException {
        signals.clear();
        wakePending.set(false);
        MqttAsyncClient client = new MqttAsyncClient(config.brokerUri().toString(), config.clientId(), new MemoryPersistence());
        try {
            client.setCallback(new Callback());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setMaxInflight(config.maxInflight() + PAHO_HEADROOM);
            options.setKeepAliveInterval((int) config.keepAlive().toSeconds());
            options.setConnectionTimeout((int) config.connectTimeout().toSeconds());
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            if (config.tls()) {
                if (tls == null) {
                    tls = TlsSockets.socketFactory(config.caFile(), config.clientKeystore(), config.clientKeystorePassword().toCharArray());
                }
                options.setSocketFactory(tls);
            }
            java.util.Optional<java.nio.file.Path> password = renewedPasswordFile != null && Files.exists(renewedPasswordFile)
                    ? java.util.Optional.of(renewedPasswordFile) : config.passwordFile();
            if (config.username().isPresent()) {
                options.setUserName(config.username().get());
            } else if (password.isPresent()) {
                options.setUserName(deviceId); // a device's broker login is its device id
            }
            if (password.isPresent()) {
                options.setPassword(Files.readString(password.get(), StandardCharsets.UTF_8).strip().toCharArray());
            }
            SignedMessage will = signStatus(statusMaker.apply(false));
            if (will != null) {
                options.setWill(Topics.uplink(deviceId, MessageType.STATUS), will.bytes(), MessageType.STATUS.qos(), false);
            }
            client.connect(options).waitForCompletion(config.connectTimeout().toMillis() + 1000);
            client.subscribe(Topics.downlinkFilter(deviceId), MessageType.ACK.qos()).waitForCompletion(config.connectTimeout().toMillis());
            return client;
        } catch (MqttException | GeneralSecurityException | IOException | RuntimeException e) {
            dispose(client);
            throw e;
        }
    }

    /** Whether the broker refused the login itself (not the network): a new login may help. */
    private static boolean refusedLogin(MqttException e) {
        return e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED;
    }

    /** Asks for a new login, at most once per {@link #RENEW_LOGIN_EVERY}; the next attempt uses it. */
    private void renewLogin() {
        if (renewal == null) {
            LOG.error("The broker refused this device's login, and it cannot ask for a new one (no receiver.url, or no key):"
                    + " have the receiver's admin run 'breathgate-receiver broker-login {}' and put the password in mqtt.password.file",
                    deviceId);
            return;
        }
        long now = System.nanoTime();
        if (renewedOnce && now - renewedAtNanos < RENEW_LOGIN_EVERY.toNanos()) {
            return;
        }
        renewedOnce = true;
        renewedAtNanos = now;
        LOG.warn("The broker refused this device's login; asking the receiver for a new one");
        if (renewal.renew()) {
            backoff.reset();
        }
    }

    /** Runs one connection until it is lost or the publisher closes. */
    private void session(MqttAsyncClient client) throws MqttException, InterruptedException {
        TreeMap<Long, Long> inFlight = new TreeMap<>(); // seq -> sent at (nanoTime)
        long sentThrough = 0;
        long ackTimeoutNanos = config.ackTimeout().toNanos();
        SignedMessage online = signStatus(statusMaker.apply(true));
        if (online != null) {
            pendingStatus.compareAndSet(null, online);
        }
        if (photos != null) {
            photos.sessionStarted();
        }
        while (!closing()) {
            Signal s = signals.poll(200, TimeUnit.MILLISECONDS);
            while (s != null) {
                if (s instanceof Lost lost) {
                    throw lost.cause() instanceof MqttException me ? me : new MqttException(lost.cause());
                }
                if (s instanceof Inbound in) {
                    downlink.handle(in.topic(), in.payload(), inFlight::remove);
                } else {
                    wakePending.set(false);
                }
                s = signals.poll();
            }
            SignedMessage status = pendingStatus.getAndSet(null);
            if (status != null && !publish(client, Topics.uplink(deviceId, MessageType.STATUS), status.bytes())) {
                pendingStatus.compareAndSet(null, status);
            }
            long now = System.nanoTime();
            // Resend overdue events, oldest first; the receiver answers DUPLICATE if it had them.
            List<Long> gone = new ArrayList<>();
            for (Map.Entry<Long, Long> e : inFlight.entrySet()) {
                if (now - e.getValue() < ackTimeoutNanos) {
                    continue;
                }
                List<StoredEvent> again = outbox.pendingAfter(e.getKey() - 1, 1);
                if (again.isEmpty() || again.get(0).seq() != e.getKey()) {
                    gone.add(e.getKey()); // acknowledged or quarantined meanwhile
                    continue;
                }
                if (!publish(client, topic(again.get(0)), again.get(0).compact().getBytes(StandardCharsets.US_ASCII))) {
                    break;
                }
                e.setValue(now);
            }
            gone.forEach(inFlight::remove);
            // Fill the window in sequence order; stop at the first publish Paho cannot take yet.
            while (inFlight.size() < config.maxInflight()) {
                List<StoredEvent> next = outbox.pendingAfter(sentThrough, config.maxInflight() - inFlight.size());
                if (next.isEmpty()) {
                    break;
                }
                boolean full = false;
                for (StoredEvent event : next) {
                    if (!publish(client, topic(event), event.compact().getBytes(StandardCharsets.US_ASCII))) {
                        full = true;
                        break;
                    }
                    inFlight.put(event.seq(), System.nanoTime());
                    sentThrough = event.seq();
                }
                if (full) {
                    break;
                }
            }
            inFlightCount = inFlight.size();
            if (photos != null && sendPhotos(client) == PHOTO_CHUNKS_PER_ROUND) {
                wakeUp(); // more to send: come back without waiting for the next signal
            }
        }
        sendOfflineAndDisconnect(client);
    }

    /** Photo chunks (about 15 KiB each) sent per round at most, after the events. */
    static final int PHOTO_CHUNKS_PER_ROUND = 8;

    private int sendPhotos(MqttAsyncClient client) throws MqttException {
        try {
            return photos.pump((topic, payload) -> publish(client, topic, payload), PHOTO_CHUNKS_PER_ROUND);
        } catch (MqttException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes at QoS 1; false if Paho's window is full right now (try again on the next round). */
    private boolean publish(MqttAsyncClient client, String topic, byte[] payload) throws MqttException {
        try {
            client.publish(topic, payload, MessageType.READING.qos(), false);
            return true;
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                return false;
            }
            throw e;
        }
    }

    private String topic(StoredEvent event) {
        return Topics.uplink(deviceId, event.type());
    }

    private void sendOfflineAndDisconnect(MqttAsyncClient client) {
        try {
            SignedMessage offline = signStatus(statusMaker.apply(false));
            if (offline != null) {
                client.publish(Topics.uplink(deviceId, MessageType.STATUS), offline.bytes(), MessageType.STATUS.qos(), false)
                        .waitForCompletion(2000);
            }
            client.disconnect(1000).waitForCompletion(2000);
        } catch (MqttException | RuntimeException e) {
            LOG.info("Clean disconnect did not complete ({}); the broker will send the last will", e.toString());
        }
    }

    private static void dispose(MqttAsyncClient client) {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException e) {
            LOG.debug("forced disconnect failed", e);
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("Closing the MQTT client failed: {}", e.toString());
        }
    }

    /** Paho's callbacks: enqueue and return, never block, never throw. */
    private final class Callback implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            signals.offer(new Lost(cause == null ? new MqttException(MqttException.REASON_CODE_CONNECTION_LOST) : cause));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                signals.offer(new Inbound(topic, message.getPayload()));
            } catch (RuntimeException e) {
                LOG.error("Could not queue an incoming message on {}", topic, e);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // A PUBACK only means the broker has it; the receiver's ack is what counts.
        }
    }
}
