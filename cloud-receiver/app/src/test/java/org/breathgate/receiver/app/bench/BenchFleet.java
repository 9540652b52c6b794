package org.breathgate.receiver.app.bench;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageJson;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.LightMqtt;
import org.breathgate.testkit.SampleMessages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Simulated devices for the ingest benchmarks and the reconnect storm: each its own MQTT connection
 * (a {@link LightMqtt} connection, so a thousand fit in one JVM) and its own Ed25519 key
 * ({@code TestKeys.device(id)}), publishing real signed readings at QoS 1 with a window of
 * unacknowledged publishes, and counting the receiver's acks on its downlink (decoded as they
 * arrive; their signatures checked afterwards by {@link #verifyAcks}, as a device does on its own CPU).
 */
final class BenchFleet implements AutoCloseable {

    /** A device's id and its readings, signed in advance (sequence numbers 1..n; {@link #extend} adds more). */
    record Device(String id, List<byte[]> readings) {
    }

    /** One device's connection and what it has heard. */
    static final class Member {
        final Device device;
        LightMqtt.Connection connection;
        final BitSet acked = new BitSet();
        volatile long firstAckNanos;
        final List<byte[]> ackPayloads = new ArrayList<>();

        Member(Device device) {
            this.device = device;
        }
    }

    private final List<Member> members = new ArrayList<>();
    private final AtomicLong ackedReadings = new AtomicLong();
    private final AtomicLong duplicateEntries = new AtomicLong();
    private final AtomicLong badAcks = new AtomicLong();
    private final ConcurrentLinkedQueue<String> closedUnexpectedly = new ConcurrentLinkedQueue<>();

    /** Signs {@code perDevice} sober readings for each of {@code devices} devices named {@code prefix-00001}…, on all cores. */
    static List<Device> sign(String prefix, int devices, int perDevice) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<Device>> futures = new ArrayList<>();
            for (int d = 1; d <= devices; d++) {
                String id = "%s-%05d".formatted(prefix, d);
                futures.add(pool.submit(() -> {
                    SampleMessages samples = SampleMessages.of(id);
                    List<byte[]> readings = new ArrayList<>(perDevice);
                    for (int seq = 1; seq <= perDevice; seq++) {
                        readings.add(samples.sign(samples.soberReading(seq)).bytes());
                    }
                    return new Device(id, readings);
                }));
            }
            List<Device> signed = new ArrayList<>();
            for (Future<Device> f : futures) {
                signed.add(f.get());
            }
            return signed;
        } finally {
            pool.shutdown();
        }
    }

    /** Signs more readings for each device, up to sequence number {@code upTo}, appended to its (mutable) list. */
    static void extend(List<Device> devices, int upTo) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Device device : devices) {
                futures.add(pool.submit(() -> {
                    SampleMessages samples = SampleMessages.of(device.id());
                    for (int seq = device.readings().size() + 1; seq <= upTo; seq++) {
                        device.readings().add(samples.sign(samples.soberReading(seq)).bytes());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Connects every device (clean session, {@code window} QoS 1 publishes in flight each) and, if
     * {@code acks}, subscribes each to its downlink. Connections are made by {@code connectors}
     * threads at once, as a fleet coming back after an outage would.
     *
     * @param login the MQTT user and password of a device (null: anonymous); the client id is the device id, as a
     *              guarded broker wants it
     */
    BenchFleet(LightMqtt mqtt, String brokerUri, List<Device> devices, int window, boolean acks, int connectors,
               java.util.function.Function<String, String[]> login) throws Exception {
        for (Device device : devices) {
            members.add(new Member(device));
        }
        ExecutorService pool = Executors.newFixedThreadPool(connectors);
        try {
            List<Future<?>> connecting = new ArrayList<>();
            for (Member member : members) {
                connecting.add(pool.submit(() -> {
                    String[] credentials = login == null ? null : login.apply(member.device.id());
                    member.connection = mqtt.connect(brokerUri, member.device.id(), credentials == null ? null : credentials[0],
                            credentials == null ? null : credentials[1], true, listener(member)).window(window);
                    if (acks) {
                        member.connection.subscribe(Topics.downlink(member.device.id(), MessageType.ACK));
                    }
                    return null;
                }));
            }
            for (Future<?> f : connecting) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private LightMqtt.Listener listener(Member member) {
        return new LightMqtt.Listener() {
            @Override
            public void message(LightMqtt.Connection connection, String topic, byte[] payload) {
                try {
                    String compact = new String(payload, StandardCharsets.US_ASCII);
                    String body = compact.substring(compact.indexOf('.') + 1, compact.lastIndexOf('.'));
                    Ack ack = (Ack) MessageJson.decode(Base64.getUrlDecoder().decode(body)).message();
                    if (!ack.deviceId().equals(member.device.id())) {
                        badAcks.incrementAndGet();
                        return;
                    }
                    synchronized (member) {
                        member.ackPayloads.add(payload);
                        if (member.firstAckNanos == 0) {
                            member.firstAckNanos = System.nanoTime();
                        }
                        for (Ack.Entry entry : ack.entries()) {
                            if (entry.result() == Ack.Result.DUPLICATE) {
                                duplicateEntries.incrementAndGet();
                            }
                            if (entry.result() != Ack.Result.QUARANTINED && !member.acked.get((int) entry.seq())) {
                                member.acked.set((int) entry.seq());
                                ackedReadings.incrementAndGet();
                            }
                        }
                    }
                } catch (RuntimeException | org.breathgate.protocol.InvalidMessageException e) {
                    badAcks.incrementAndGet();
                }
            }

            @Override
            public void closed(LightMqtt.Connection connection, Throwable cause) {
                if (cause != null) {
                    closedUnexpectedly.add(member.device.id() + ": " + cause);
                }
            }
        };
    }

    /** Queues every device's readings; they go out as each device's window allows. */
    void publishAll() {
        for (Member member : members) {
            String topic = Topics.uplink(member.device.id(), MessageType.READING);
            for (byte[] reading : member.device.readings()) {
                member.connection.publish(topic, reading, 1);
            }
        }
    }

    /** Queues every device's readings with sequence numbers {@code from..to} (both inclusive). */
    void publishRange(int from, int to) {
        for (Member member : members) {
            String topic = Topics.uplink(member.device.id(), MessageType.READING);
            for (int seq = from; seq <= to; seq++) {
                member.connection.publish(topic, member.device.readings().get(seq - 1), 1);
            }
        }
    }

    /** Readings acked STORED or DUPLICATE, each counted once. */
    long ackedReadings() {
        return ackedReadings.get();
    }

    long duplicateEntries() {
        return duplicateEntries.get();
    }

    long badAcks() {
        return badAcks.get();
    }

    /** Readings the broker has PUBACKed to the devices. */
    long brokerAcked() {
        return members.stream().mapToLong(m -> m.connection.acked()).sum();
    }

    List<String> closedUnexpectedly() {
        return List.copyOf(closedUnexpectedly);
    }

    /** Each device's wait for its first ack, from {@code startNanos}, in ms (devices with no ack: -1). */
    long[] firstAckMillis(long startNanos) {
        return members.stream().mapToLong(m -> m.firstAckNanos == 0 ? -1 : (m.firstAckNanos - startNanos) / 1_000_000).toArray();
    }

    /** Checks every ack's signature with the receiver's key; returns how many failed. */
    int verifyAcks(VerificationKey receiverKey) {
        MessageVerifier verifier = new MessageVerifier(KeyResolver.of(receiverKey));
        int bad = 0;
        for (Member member : members) {
            synchronized (member) {
                for (byte[] payload : member.ackPayloads) {
                    try {
                        verifier.verify(payload, KeyId.RECEIVER);
                    } catch (org.breathgate.protocol.InvalidMessageException e) {
                        bad++;
                    }
                }
            }
        }
        return bad;
    }

    /** Devices that are missing acks for some of their readings. */
    List<String> incomplete() {
        List<String> missing = new ArrayList<>();
        for (Member member : members) {
            synchronized (member) {
                int n = member.device.readings().size();
                if (member.acked.cardinality() != n || IntStream.rangeClosed(1, n).anyMatch(s -> !member.acked.get(s))) {
                    missing.add(member.device.id());
                }
            }
        }
        return missing;
    }

    @Override
    public void close() {
        for (Member member : members) {
            if (member.connection != null) {
                member.connection.close();
            }
        }
    }
}
