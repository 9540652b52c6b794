package org.breathgate.receiver.app;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.VerificationKey;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device as the receiver sees it over MQTT: publishes signed messages on its uplink topics and
 * collects the acks on its downlink, verified with the receiver's public key. Not the real agent:
 * it makes no outbox, no retries, exactly what a test asks.
 */
public final class FakeDevice implements AutoCloseable {

    private final String deviceId;
    private final MqttAsyncClient client;
    private final MessageSigner signer;
    private final MessageVerifier ackVerifier;
    private final BlockingQueue<Ack.Entry> ackEntries = new LinkedBlockingQueue<>();
    private final Map<Long, Ack.Entry> latestEntry = new ConcurrentHashMap<>();
    private final AtomicInteger badAcks = new AtomicInteger();
    private final boolean verifyOnArrival;
    private final List<byte[]> unverified = new java.util.concurrent.CopyOnWriteArrayList<>();

    public FakeDevice(String brokerUri, SigningKey key, VerificationKey receiverKey, MqttConnectOptions options) throws MqttException {
        this(brokerUri, key, receiverKey, options, true);
    }

    /**
     * @param verifyOnArrival false to only decode acks as they arrive and check their signatures
     *                        later with {@link #verifyReceivedAcks()}: a benchmark's devices would
     *                        otherwise spend the receiver's CPU on work real devices do on their own
     */
    public FakeDevice(String brokerUri, SigningKey key, VerificationKey receiverKey, MqttConnectOptions options,
                      boolean verifyOnArrival) throws MqttException {
        this(brokerUri, "device-" + key.keyId().owner() + "-" + System.nanoTime(), key, receiverKey, options, verifyOnArrival);
    }

    /**
     * Logged in with {@code options} (user name and password, TLS) under {@code clientId}: a broker that knows devices by
     * their login wants the device id.
     */
    public FakeDevice(String brokerUri, String clientId, SigningKey key, VerificationKey receiverKey, MqttConnectOptions options,
                      boolean verifyOnArrival) throws MqttException {
        this.verifyOnArrival = verifyOnArrival;
        this.deviceId = key.keyId().owner();
        this.signer = new MessageSigner(key);
        this.ackVerifier = new MessageVerifier(KeyResolver.of(receiverKey));
        this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                try {
                    Ack ack;
                    if (verifyOnArrival) {
                        ack = (Ack) ackVerifier.verify(message.getPayload(), org.breathgate.protocol.KeyId.RECEIVER).message();
                    } else {
                        unverified.add(message.getPayload());
                        String compact = new String(message.getPayload(), java.nio.charset.StandardCharsets.US_ASCII);
                        String payload = compact.substring(compact.indexOf('.') + 1, compact.lastIndexOf('.'));
                        ack = (Ack) org.breathgate.protocol.MessageJson.decode(java.util.Base64.getUrlDecoder().decode(payload)).message();
                    }
                    if (!ack.deviceId().equals(deviceId)) {
                        badAcks.incrementAndGet();
                        return;
                    }
                    for (Ack.Entry entry : ack.entries()) {
                        latestEntry.put(entry.seq(), entry);
                        ackEntries.add(entry);
                    }
                } catch (InvalidMessageException | ClassCastException e) {
                    badAcks.incrementAndGet();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        try {
            client.connect(options).waitForCompletion(15_000);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        client.subscribe(Topics.downlink(deviceId, MessageType.ACK), 1).waitForCompletion(10_000);
    }

    /**
     * Logged in to {@code receiver}'s own (embedded) broker as the device, on its loopback listener, with a broker login
     * made for it now (as enrollment makes one): client id and user name are the device id. The device must be enrolled.
     */
    public static FakeDevice loggedIn(Receiver receiver, SigningKey key) throws MqttException {
        String deviceId = key.keyId().owner();
        return new FakeDevice(receiver.brokerUri(), deviceId, key, receiver.receiverKey(), login(receiver, deviceId), true);
    }

    /** Options carrying a new broker login for the enrolled device {@code deviceId} on {@code receiver}'s broker. */
    public static MqttConnectOptions login(Receiver receiver, String deviceId) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(deviceId);
        options.setPassword(receiver.brokerLogins().issue(deviceId, "test").password().toCharArray());
        return options;
    }

    /** Anonymous, plain. */
    public FakeDevice(String brokerUri, SigningKey key, VerificationKey receiverKey) throws MqttException {
        this(brokerUri, key, receiverKey, new MqttConnectOptions());
    }

    public String deviceId() {
        return deviceId;
    }

    /** Whether the broker still has this device connected. */
    public boolean isConnected() {
        return client.isConnected();
    }

    /** Subscribes to {@code filter} too; acks for other devices arriving there count as {@link #badAcks()}. */
    public void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1).waitForCompletion(10_000);
    }

    /** Signs {@code message} and publishes it on its own uplink topic; returns the bytes sent. */
    public byte[] send(Message message) throws MqttException {
        byte[] bytes = signer.sign(message).bytes();
        publish(Topics.uplink(message.deviceId(), message.type()), bytes);
        return bytes;
    }

    /** Publishes raw bytes on any topic (QoS 1), waiting for the broker's PUBACK. */
    public void publish(String topic, byte[] bytes) throws MqttException {
        client.publish(topic, bytes, 1, false).waitForCompletion(10_000);
    }

    /** Publishes raw bytes on any topic (QoS 1) as a retained message, waiting for the broker's PUBACK. */
    public void publishRetained(String topic, byte[] bytes) throws MqttException {
        client.publish(topic, bytes, 1, true).waitForCompletion(10_000);
    }

    /** Publishes without waiting for the PUBACK; waits only while too many are in flight. */
    public void publishAsync(String topic, byte[] bytes) throws MqttException, InterruptedException {
        while (true) {
            try {
                client.publish(topic, bytes, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT) {
                    throw e;
                }
                Thread.sleep(1);
            }
        }
    }

    /** The next ack entry, or fails after {@code timeout}. */
    public Ack.Entry nextAck(Duration timeout) throws InterruptedException {
        Ack.Entry entry = ackEntries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (entry == null) {
            throw new AssertionError(deviceId + " got no ack within " + timeout);
        }
        return entry;
    }

    /** An ack entry if one arrives within {@code timeout}, else null. */
    public Ack.Entry pollAck(Duration timeout) throws InterruptedException {
        return ackEntries.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sequence numbers acked so far (any result). */
    public int ackedCount() {
        return latestEntry.size();
    }

    /** Acks that did not verify with the receiver key or were for another device. */
    public int badAcks() {
        return badAcks.get();
    }

    /** Checks the signatures of the acks received without verification; returns how many failed. */
    public int verifyReceivedAcks() {
        int bad = 0;
        for (byte[] payload : unverified) {
            try {
                ackVerifier.verify(payload, org.breathgate.protocol.KeyId.RECEIVER);
            } catch (InvalidMessageException e) {
                bad++;
            }
        }
        return bad;
    }

    /** Every ack entry received so far, drained. */
    public List<Ack.Entry> drainAcks() {
        List<Ack.Entry> drained = new ArrayList<>();
        ackEntries.drainTo(drained);
        return drained;
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect(1_000).waitForCompletion(2_000);
            }
        } finally {
            client.close(true);
        }
    }
}
