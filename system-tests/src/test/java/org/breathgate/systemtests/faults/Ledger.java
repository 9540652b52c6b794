package org.breathgate.systemtests.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.Topics;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The books of a fault test, kept independently of the parts under test.
 *
 * <ul>
 *   <li>A <b>wire tap</b>: a plain MQTT client on the broker subscribed to every uplink (not the receivers'
 *       shared group, so it takes nothing from them) and every device's {@code down/ack}. It records each
 *       evidence event's signed bytes by (device, seq), so that a sequence number reused with other content
 *       (e.g. after an agent was killed) shows.</li>
 *   <li><b>Acks are checked against the database when they are seen</b>: every {@code stored} or
 *       {@code duplicate} entry in a receiver-signed ack must already be in the receiver's database; an ack
 *       for something not stored would make the device delete evidence the receiver does not have.</li>
 *   <li>The receiver's SQLite file, read on a connection of its own, for what is stored.</li>
 * </ul>
 *
 * The tap may miss messages while the broker is down; it is a second witness, not the count.
 */
final class Ledger implements AutoCloseable {

    private final Path database;
    private final MessageVerifier ackVerifier;
    private final MessageVerifier deviceVerifier;
    private final MqttAsyncClient tap;
    private final Map<String, Map<Long, Set<String>>> onTheWire = new ConcurrentHashMap<>();
    private final AtomicLong acksSeen = new AtomicLong();
    private final AtomicLong ackedEntries = new AtomicLong();
    private final Map<String, AtomicLong> duplicateAcks = new ConcurrentHashMap<>();
    private final List<String> ackedNotStored = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private Connection reader;

    /**
     * @param brokerUri   the broker, as the tap reaches it
     * @param sqliteFile  the receiver's database file
     * @param receiverKey the key acks are signed with
     * @param deviceIds   the devices taking part (their test keys verify the tapped uplink)
     */
    Ledger(String brokerUri, Path sqliteFile, VerificationKey receiverKey, String... deviceIds) throws MqttException {
        this.database = sqliteFile;
        this.ackVerifier = new MessageVerifier(KeyResolver.of(receiverKey));
        this.deviceVerifier = new MessageVerifier(TestKeys.resolver(deviceIds));
        this.tap = new MqttAsyncClient(brokerUri, "fault-ledger-" + System.nanoTime(), new MemoryPersistence());
        tap.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                try {
                    tap.subscribe(new String[] {Topics.ALL_UPLINK, Topics.ROOT + "/+/down/" + MessageType.ACK.wireName()}, new int[] {1, 1});
                } catch (MqttException e) {
                    problems.add("tap could not subscribe: " + e.getMessage());
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                try {
                    seen(topic, message.getPayload());
                } catch (RuntimeException e) {
                    problems.add("ledger failed on " + topic + ": " + e);
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(500);
        options.setCleanSession(true);
        options.setKeepAliveInterval(5);
        options.setMaxInflight(1000);
        tap.connect(options).waitForCompletion(10_000);
    }

    private void seen(String topic, byte[] payload) {
        Topics.Address address = Topics.parse(topic).orElse(null);
        if (address == null) {
            return;
        }
        if (address.type() == MessageType.ACK) {
            SignedMessage signed;
            try {
                signed = ackVerifier.verify(payload, "receiver");
            } catch (InvalidMessageException e) {
                problems.add("an ack on " + topic + " does not verify: " + e.getMessage());
                return;
            }
            Ack ack = (Ack) signed.message();
            acksSeen.incrementAndGet();
            for (Ack.Entry entry : ack.entries()) {
                ackedEntries.incrementAndGet();
                if (entry.result() == Ack.Result.DUPLICATE) {
                    duplicateAcks.computeIfAbsent(ack.deviceId(), d -> new AtomicLong()).incrementAndGet();
                }
                if ((entry.result() == Ack.Result.STORED || entry.result() == Ack.Result.DUPLICATE) && !isStored(ack.deviceId(), entry.seq())) {
                    ackedNotStored.add(ack.deviceId() + "#" + entry.seq() + " " + entry.result());
                }
            }
            return;
        }
        if (address.type().direction() != MessageType.Direction.UPLINK || address.type() == MessageType.STATUS) {
            return;
        }
        try {
            SignedMessage signed = deviceVerifier.verify(payload, address.deviceId());
            if (signed.message() instanceof EvidenceEvent event) {
                onTheWire.computeIfAbsent(event.deviceId(), d -> new ConcurrentHashMap<>())
                        .computeIfAbsent(event.seq(), s -> ConcurrentHashMap.newKeySet()).add(signed.compact());
            }
        } catch (InvalidMessageException e) {
            problems.add("an uplink on " + topic + " does not verify: " + e.getMessage());
        }
    }

    private synchronized Connection reader() throws SQLException {
        if (reader == null || reader.isClosed()) {
            reader = DriverManager.getConnection("jdbc:sqlite:" + database);
            try (var s = reader.createStatement()) {
                s.execute("pragma query_only=1");
                s.execute("pragma busy_timeout=10000");
            }
        }
        return reader;
    }

    private synchronized boolean isStored(String deviceId, long seq) {
        try (PreparedStatement q = reader().prepareStatement("select 1 from evidence where device_id = ? and seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet r = q.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            problems.add("cannot read the receiver's database to check an ack: " + e.getMessage());
            return true; // not counted as acked-not-stored; the problem is reported instead
        }
    }

    /** The receiver's stored evidence of {@code deviceId}: seq to the exact JWS, and how many rows (to catch a second row). */
    synchronized StoredRows stored(String deviceId) throws SQLException {
        TreeMap<Long, String> bySeq = new TreeMap<>();
        long rows = 0;
        try (PreparedStatement q = reader().prepareStatement("select seq, compact from evidence where device_id = ? order by id")) {
            q.setString(1, deviceId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    rows++;
                    bySeq.put(r.getLong(1), r.getString(2));
                }
            }
        }
        Map<String, Long> quarantined = new HashMap<>();
        try (PreparedStatement q = reader().prepareStatement("select reason, count(*) from quarantine where device_id = ? group by reason")) {
            q.setString(1, deviceId);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    quarantined.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return new StoredRows(bySeq, rows, quarantined);
    }

    record StoredRows(TreeMap<Long, String> bySeq, long rows, Map<String, Long> quarantined) {
    }

    /**
     * The counts for one device that made {@code made} evidence events (its last sequence number).
     *
     * @param fault what was done, for the printed line
     */
    Tally tally(String fault, String deviceId, long made) throws SQLException {
        StoredRows rows = stored(deviceId);
        long lost = 0;
        for (long seq = 1; seq <= made; seq++) {
            if (!rows.bySeq().containsKey(seq)) {
                lost++;
            }
        }
        long beyond = rows.bySeq().keySet().stream().filter(s -> s > made || s < 1).count();
        long reused = 0;
        Map<Long, Set<String>> wire = onTheWire.getOrDefault(deviceId, Map.of());
        for (Map.Entry<Long, Set<String>> e : wire.entrySet()) {
            Set<String> versions = new HashSet<>(e.getValue());
            String kept = rows.bySeq().get(e.getKey());
            if (kept != null) {
                versions.add(kept);
            }
            if (versions.size() > 1) {
                reused++;
            }
        }
        return new Tally(fault, deviceId, made, rows.bySeq().size(), lost, rows.rows() - rows.bySeq().size(), reused + beyond,
                Map.copyOf(rows.quarantined()), List.copyOf(ackedNotStored),
                duplicateAcks.getOrDefault(deviceId, new AtomicLong()).get(), wire.size(), List.copyOf(problems));
    }

    /** How many ack entries a receiver sent so far (for "nothing was acked meanwhile"). */
    long ackedEntries() {
        return ackedEntries.get();
    }

    @Override
    public synchronized void close() throws Exception {
        try {
            tap.disconnectForcibly(1_000);
        } catch (MqttException e) {
            // going anyway
        }
        try {
            tap.close(true);
        } catch (MqttException e) {
            // e.g. "connect already in progress" while it reconnects after a broker restart: nothing to keep
        }
        if (reader != null) {
            reader.close();
        }
    }

    /**
     * What a fault did to one device's evidence.
     *
     * @param sent            evidence events the agent made (its last sequence number)
     * @param stored          distinct sequence numbers the receiver stored
     * @param lost            numbers 1..sent the receiver does not have
     * @param storedTwice     extra rows for a number already stored (the schema forbids it; counted anyway)
     * @param seqReused       numbers seen with two different signed contents, or stored outside 1..sent
     * @param quarantined     the device's quarantine records by reason (a genuine device should have none)
     * @param ackedNotStored  ack entries (stored/duplicate) for numbers not in the database when the ack was seen
     * @param redelivered     ack entries answered "duplicate": resends after a fault, harmless
     * @param tapped          numbers the wire tap saw (a second witness; may miss some while the broker is down)
     * @param problems        anything the ledger could not verify
     */
    record Tally(String fault, String deviceId, long sent, long stored, long lost, long storedTwice, long seqReused, Map<String, Long> quarantined,
                 List<String> ackedNotStored, long redelivered, long tapped, List<String> problems) {

        String line() {
            return String.format("fault=%-22s device=%-16s sent=%d stored=%d lost=%d duplicates=%d seq_reused=%d quarantined=%d"
                            + " acked_not_stored=%d (redelivered=%d, tapped=%d)", fault, deviceId, sent, stored, lost, storedTwice,
                    seqReused, quarantinedCount(), ackedNotStored.size(), redelivered, tapped);
        }

        long quarantinedCount() {
            return quarantined.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Prints the line. */
        Tally print() {
            System.out.println(line());
            return this;
        }

        void assertClean() {
            assertClean(Set.of());
        }

        /** As {@link #assertClean()}, but quarantine records with one of {@code tolerated} reasons are allowed. */
        void assertClean(Set<String> tolerated) {
            String what = line() + (problems.isEmpty() ? "" : "\nproblems: " + problems)
                    + (ackedNotStored.isEmpty() ? "" : "\nacked but not stored: " + ackedNotStored);
            assertEquals(List.of(), problems, what);
            assertEquals(0, lost, what);
            assertEquals(sent, stored, what);
            assertEquals(0, storedTwice, what);
            assertEquals(0, seqReused, what);
            Map<String, Long> unexpected = new HashMap<>(quarantined);
            unexpected.keySet().removeAll(tolerated);
            assertEquals(Map.of(), unexpected, what + "\nquarantined: " + quarantined);
            assertEquals(List.of(), ackedNotStored, what);
        }
    }
}
