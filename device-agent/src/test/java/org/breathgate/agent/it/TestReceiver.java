package org.breathgate.agent.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.Topics;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A receiver for the agent's tests, built on the protocol module alone: subscribes to every
 * uplink, verifies each message against the device's test key, keeps each evidence event once by
 * sequence number, and answers with acks signed by {@link TestKeys#receiver()}, batched every few
 * milliseconds as a real receiver would. Records anything odd (a sequence number arriving with
 * different bytes, a message that does not verify) so tests can assert there was none.
 */
public final class TestReceiver implements AutoCloseable {

    private final MqttAsyncClient client;
    private final MessageVerifier verifier;
    private final MessageSigner signer = new MessageSigner(TestKeys.receiver());
    private final LinkedBlockingQueue<Object[]> inbox = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;
    private volatile boolean acking = true;

    private final Map<String, TreeMap<Long, String>> stored = new LinkedHashMap<>();
    private final Map<String, List<Long>> arrivalOrder = new LinkedHashMap<>();
    private final List<DeviceStatus> statuses = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<Long, String> quarantineNext = new LinkedHashMap<>();
    private int duplicates;

    public TestReceiver(String brokerUri, String... deviceIds) throws MqttException {
        this(brokerUri, TestKeys.resolver(deviceIds), null, null);
    }

    /**
     * A receiver that verifies with {@code keys} (e.g. a key a device made itself at enrollment) and
     * logs in to the broker as {@code username} when that is not null.
     */
    public TestReceiver(String brokerUri, KeyResolver keys, String username, String password) throws MqttException {
        this.verifier = new MessageVerifier(keys);
        this.client = new MqttAsyncClient(brokerUri, "test-receiver-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                inbox.offer(new Object[] {topic, message.getPayload()});
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions o = new MqttConnectOptions();
        // A persistent session, as a real receiver's shared subscription: messages published while
        // it reconnects (e.g. across a broker restart) wait for it, in order.
        o.setCleanSession(false);
        o.setAutomaticReconnect(true);
        o.setMaxInflight(1000);
        if (username != null) {
            o.setUserName(username);
            o.setPassword(password.toCharArray());
        }
        client.connect(o).waitForCompletion(10_000);
        client.subscribe(Topics.ALL_UPLINK, 1).waitForCompletion(10_000);
        worker = new Thread(this::work, "test-receiver");
        worker.setDaemon(true);
        worker.start();
    }

    /** Stops sending acks (events stay in the device outbox) until {@link #resumeAcks()}. */
    public void pauseAcks() {
        acking = false;
    }

    public void resumeAcks() {
        acking = true;
    }

    /** The next ack for {@code seq} says QUARANTINED with {@code reason}. */
    public synchronized void quarantineNext(long seq, String reason) {
        quarantineNext.put(seq, reason);
    }

    private void work() {
        Map<String, List<Ack.Entry>> pending = new LinkedHashMap<>();
        while (!closed) {
            try {
                Object[] m = inbox.poll(5, TimeUnit.MILLISECONDS);
                while (m != null) {
                    handle((String) m[0], (byte[]) m[1], pending);
                    if (pending.values().stream().mapToInt(List::size).sum() >= Ack.MAX_ENTRIES) {
                        break;
                    }
                    m = inbox.poll();
                }
                if (acking) {
                    flush(pending);
                }
            } catch (InterruptedException e) {
                return;
            } catch (MqttException | RuntimeException e) {
                synchronized (this) {
                    problems.add("receiver error: " + e);
                }
            }
        }
    }

    private void handle(String topic, byte[] payload, Map<String, List<Ack.Entry>> pending) {
        Topics.Address address = Topics.parse(topic).orElse(null);
        if (address == null) {
            return;
        }
        SignedMessage signed;
        try {
            signed = verifier.verify(payload, address.deviceId());
        } catch (InvalidMessageException e) {
            synchronized (this) {
                problems.add("did not verify on " + topic + ": " + e.getMessage());
            }
            return;
        }
        Message message = signed.message();
        synchronized (this) {
            if (message instanceof DeviceStatus s) {
                statuses.add(s);
                notifyAll();
                return;
            }
            EvidenceEvent e = (EvidenceEvent) message;
            String device = e.deviceId();
            TreeMap<Long, String> byseq = stored.computeIfAbsent(device, d -> new TreeMap<>());
            String had = byseq.get(e.seq());
            Ack.Entry entry;
            String quarantine = quarantineNext.remove(e.seq());
            if (quarantine != null) {
                entry = new Ack.Entry(e.seq(), Ack.Result.QUARANTINED, quarantine);
            } else if (had == null) {
                byseq.put(e.seq(), signed.compact());
                arrivalOrder.computeIfAbsent(device, d -> new ArrayList<>()).add(e.seq());
                entry = new Ack.Entry(e.seq(), Ack.Result.STORED, null);
            } else {
                duplicates++;
                if (!had.equals(signed.compact())) {
                    problems.add("seq " + e.seq() + " of " + device + " arrived again with different bytes");
                }
                entry = new Ack.Entry(e.seq(), Ack.Result.DUPLICATE, null);
            }
            pending.computeIfAbsent(device, d -> new ArrayList<>()).add(entry);
            notifyAll();
        }
    }

    private void flush(Map<String, List<Ack.Entry>> pending) throws MqttException {
        if (!client.isConnected()) {
            return; // keep the acks until the broker is back; Paho reconnects the receiver
        }
        for (Map.Entry<String, List<Ack.Entry>> p : pending.entrySet()) {
            List<Ack.Entry> entries = p.getValue();
            for (int i = 0; i < entries.size(); i += Ack.MAX_ENTRIES) {
                Ack ack = new Ack(p.getKey(), Instant.now(), entries.subList(i, Math.min(entries.size(), i + Ack.MAX_ENTRIES)));
                client.publish(Topics.downlink(p.getKey(), MessageType.ACK), signer.sign(ack).bytes(), 1, false);
            }
        }
        pending.clear();
    }

    /** Publishes a signed (retained) message to a device, e.g. a configuration. */
    public void send(String deviceId, SignedMessage message) throws MqttException {
        client.publish(Topics.downlink(deviceId, message.message().type()), message.bytes(), 1, message.message().type().retained())
                .waitForCompletion(5000);
    }

    /** Publishes raw bytes on a device's downlink topic (e.g. a forged configuration). */
    public void sendRaw(String deviceId, MessageType type, String payload) throws MqttException {
        client.publish(Topics.downlink(deviceId, type), payload.getBytes(StandardCharsets.US_ASCII), 1, type.retained())
                .waitForCompletion(5000);
    }

    /** Waits until {@code condition} holds (checked whenever something arrives), or fails after {@code timeout}. */
    public synchronized void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; stored " + storedCount()
                        + ", problems " + problems);
            }
            wait(Math.max(1, Math.min(200, left / 1_000_000)));
        }
    }

    /** Evidence stored for {@code deviceId}, by sequence number. */
    public synchronized TreeMap<Long, String> stored(String deviceId) {
        return new TreeMap<>(stored.getOrDefault(deviceId, new TreeMap<>()));
    }

    /** Sequence numbers in the order they were first stored. */
    public synchronized List<Long> arrivalOrder(String deviceId) {
        return List.copyOf(arrivalOrder.getOrDefault(deviceId, List.of()));
    }

    /** Decoded evidence of {@code deviceId} in sequence order. */
    public synchronized List<EvidenceEvent> events(String deviceId) {
        List<EvidenceEvent> out = new ArrayList<>();
        for (String compact : stored(deviceId).values()) {
            try {
                out.add((EvidenceEvent) verifier.verify(compact, deviceId).message());
            } catch (InvalidMessageException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    public synchronized List<DeviceStatus> statuses() {
        return List.copyOf(statuses);
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public synchronized int duplicates() {
        return duplicates;
    }

    private int storedCount() {
        return stored.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public void close() throws MqttException {
        closed = true;
        worker.interrupt();
        try {
            client.disconnect(500).waitForCompletion(2000);
        } catch (MqttException e) {
            // already gone
        }
        client.close(true);
    }

    static KeyResolver resolverFor(String... ids) {
        return TestKeys.resolver(ids);
    }
}
