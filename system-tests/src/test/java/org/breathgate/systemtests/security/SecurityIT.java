package org.breathgate.systemtests.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.systemtests.faults.FaultAgent;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack of docs/security.md against the real parts, each counted: a Mosquitto broker with TLS,
 * password logins and the shipped ACL ({@code config/mosquitto/acl}), the receiver logged in as
 * {@code receiver} on SQLite, real device agents. Attackers log in to the broker with a device's own
 * credentials (a cloned or stolen device: the broker lets them publish on that device's topics, so the
 * receiver's checks are what stands), or as {@code receiver} (a compromised broker, which can publish
 * anything to a device). "Accepted" counts what an attack achieved: evidence rows added or changed, a
 * message another device's topic delivered, an outbox entry deleted, a configuration taken. Each test
 * asserts accepted = 0 for every attack; the table is printed at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {

    static {
        System.setProperty("org.slf4j.simpleLogger.log.org.breathgate.agent", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
    }

    static final String VICTIM = "home-sec-victim";
    static final String OTHER = "home-sec-other";
    static final String REVOKED = "home-sec-revoked";
    static final String ROTATED = "home-sec-rotated";
    static final String STRANGER = "home-sec-stranger";
    static final String AGENT = "home-sec-agent";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** One line of the printed table. */
    record Row(String attack, int attempts, long accepted, String refusedAs) {
    }

    private final List<Row> table = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterAll
    void printTable() {
        int width = table.stream().mapToInt(r -> r.attack().length()).max().orElse(10);
        System.out.println("---- security: every attack, how often it was tried, what it achieved");
        System.out.println(String.format("%-" + width + "s | %8s | %8s | %s", "attack", "attempts", "accepted", "refused as"));
        System.out.println("-".repeat(width) + "-|----------|----------|-----------");
        for (Row r : table) {
            System.out.println(String.format("%-" + width + "s | %8d | %8d | %s", r.attack(), r.attempts(), r.accepted(), r.refusedAs()));
        }
    }

    private static String acl() throws Exception {
        Path acl = Path.of(System.getProperty("user.dir")).resolve("../config/mosquitto/acl").normalize();
        assertTrue(Files.exists(acl), "the shipped ACL is missing: " + acl);
        return Files.readString(acl);
    }

    private static String password(String user) {
        return user + "-secret";
    }

    private static MosquittoBroker brokerWithAcl() throws Exception {
        MosquittoBroker.Options options = MosquittoBroker.Options.plain().withTls().withAcl(acl()).withUser("receiver", password("receiver"));
        for (String device : List.of(VICTIM, OTHER, REVOKED, ROTATED, STRANGER, AGENT)) {
            options = options.withUser(device, password(device));
        }
        return MosquittoBroker.start(options);
    }

    private Receiver startReceiver(MosquittoBroker broker) throws Exception {
        Path data = Files.createDirectories(dir.resolve("receiver"));
        Path key = data.resolve("receiver-key.pem");
        DeviceKeyFile.write(key, TestKeys.receiver());
        Path secret = Files.writeString(data.resolve("mqtt-password"), password("receiver") + "\n");
        Map<String, String> s = new HashMap<>();
        s.put(ReceiverConfig.DATA_DIR, data.toString());
        s.put(ReceiverConfig.BROKER_URI, broker.tlsUri());
        s.put(ReceiverConfig.MQTT_CA_FILE, broker.certificates().caCertificate().toString());
        s.put(ReceiverConfig.MQTT_USERNAME, "receiver");
        s.put(ReceiverConfig.MQTT_PASSWORD_FILE, secret.toString());
        s.put(ReceiverConfig.MQTT_CLIENT_ID, "security-receiver");
        s.put(ReceiverConfig.RECEIVER_KEY_FILE, key.toString());
        s.put(ReceiverConfig.WEB_ENABLED, "false");
        Receiver receiver = Receiver.start(ReceiverConfig.from(s), Clock.systemUTC(), List.of());
        assertTrue(receiver.awaitReady(WAIT), "the ACL must let the receiver subscribe:\n" + broker.log());
        return receiver;
    }

    /** A broker login that disconnects when closed (Paho's own close refuses while connected). */
    static final class Login extends MqttClient {
        Login(String uri, String clientId) throws MqttException {
            super(uri, clientId, new MemoryPersistence());
        }

        @Override
        public void close() throws MqttException {
            if (isConnected()) {
                disconnectForcibly(500);
            }
            super.close(true);
        }
    }

    private static MqttClient login(MosquittoBroker broker, String user) throws Exception {
        MqttClient client = new Login(broker.tlsUri(), user + "-" + System.nanoTime());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password(user).toCharArray());
        options.setSocketFactory(broker.certificates().clientSocketFactory());
        options.setCleanSession(true);
        // Paho frees a publish's in-flight slot only after the waiting publish() has returned; with its default
        // window of 10, quick back-to-back attempts can hit "Too many publishes in progress" (seen once in CI).
        options.setMaxInflight(1_000);
        client.connect(options);
        return client;
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
    }

    record Attempt(String topic, byte[] payload) {
        static Attempt of(String topic, String text) {
            return new Attempt(topic, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Everything the receiver has stored: device#seq to the exact JWS. */
    private static Map<String, String> evidence(Receiver receiver) throws Exception {
        return receiver.database().read(c -> {
            Map<String, String> rows = new TreeMap<>();
            try (var q = c.createStatement(); var r = q.executeQuery("select device_id, seq, compact from evidence")) {
                while (r.next()) {
                    rows.put(r.getString(1) + "#" + r.getLong(2), r.getString(3));
                }
            }
            return rows;
        });
    }

    private static long handled(Receiver receiver) {
        return receiver.stats().stored() + receiver.stats().duplicates() + receiver.stats().statuses()
                + receiver.stats().quarantined().values().stream().mapToLong(Long::longValue).sum()
                + receiver.stats().dropped().values().stream().mapToLong(Long::longValue).sum(); // unknown devices: dropped unwritten
    }

    /**
     * Publishes the attempts, waits until the receiver has handled as many messages (or, when the broker
     * should drop them, a while), and counts evidence rows the attack added or changed; when the broker should
     * have dropped them, anything the receiver saw of them counts as accepted too.
     */
    private Row attack(Receiver receiver, String name, MqttClient from, List<Attempt> attempts, boolean reachesReceiver) throws Exception {
        Map<String, Long> quarantinedBefore = receiver.stats().quarantined();
        Map<String, Long> droppedBefore = receiver.stats().dropped();
        long duplicatesBefore = receiver.stats().duplicates();
        long handledBefore = handled(receiver);
        Map<String, String> before = evidence(receiver);
        for (Attempt a : attempts) {
            from.publish(a.topic(), a.payload(), 1, false);
        }
        if (reachesReceiver) {
            await(() -> handled(receiver) >= handledBefore + attempts.size(), WAIT,
                    name + ": the receiver handled " + (handled(receiver) - handledBefore) + " of " + attempts.size() + " " + receiver.stats());
        } else {
            Thread.sleep(1_000);
        }
        Map<String, String> after = evidence(receiver);
        long accepted = after.entrySet().stream().filter(e -> !Objects.equals(before.get(e.getKey()), e.getValue())).count();
        Map<String, Long> refused = new TreeMap<>();
        receiver.stats().quarantined().forEach((reason, n) -> {
            long delta = n - quarantinedBefore.getOrDefault(reason, 0L);
            if (delta > 0) {
                refused.put(reason, delta);
            }
        });
        receiver.stats().dropped().forEach((reason, n) -> {
            long delta = n - droppedBefore.getOrDefault(reason, 0L);
            if (delta > 0) {
                refused.put("dropped unwritten: " + reason, delta);
            }
        });
        long duplicates = receiver.stats().duplicates() - duplicatesBefore;
        if (duplicates > 0) {
            refused.put("duplicate (same bytes: nothing new stored)", duplicates);
        }
        if (!reachesReceiver) {
            accepted += refused.values().stream().mapToLong(Long::longValue).sum(); // the receiver should never have seen it
        }
        String how = refused.isEmpty() ? (reachesReceiver ? "?" : "dropped by the broker (ACL)") : refused.toString();
        Row row = new Row(name, attempts.size(), accepted, how);
        table.add(row);
        return row;
    }

    @Test
    @Timeout(120)
    void forged_unknown_revoked_replayed_malformed_and_cross_device_messages_are_never_accepted() throws Exception {
        try (MosquittoBroker broker = brokerWithAcl(); Receiver receiver = startReceiver(broker)) {
            receiver.registry().enroll(TestKeys.device(VICTIM).verificationKey());
            receiver.registry().enroll(TestKeys.device(OTHER).verificationKey());
            receiver.registry().enroll(TestKeys.device(REVOKED).verificationKey());
            receiver.registry().revokeDevice(REVOKED);
            receiver.registry().enroll(TestKeys.device(ROTATED, 1).verificationKey());
            receiver.registry().enroll(TestKeys.device(ROTATED, 2).verificationKey());
            receiver.registry().revokeKey(new KeyId(ROTATED, 1));

            SampleMessages victim = SampleMessages.of(VICTIM);
            String up = Topics.uplink(VICTIM, MessageType.READING);
            KeyId victimKid = new KeyId(VICTIM, 1);
            List<Row> rows = new ArrayList<>();
            try (MqttClient asVictim = login(broker, VICTIM); MqttClient asOther = login(broker, OTHER);
                 MqttClient asRevoked = login(broker, REVOKED); MqttClient asRotated = login(broker, ROTATED);
                 MqttClient asStranger = login(broker, STRANGER)) {
                // Control: genuine evidence, three readings, made with the attacker's own toolbox so that the
                // refusals below are for what each attack changes, not for the tool.
                String genuineJson1 = RawJws.json(victim.soberReading(1));
                Row control = attack(receiver, "control: genuine readings (must be stored)", asVictim, List.of(
                        Attempt.of(up, RawJws.signedAs(victimKid, genuineJson1, victimKid)),
                        new Attempt(up, victim.sign(victim.soberReading(2)).bytes()),
                        new Attempt(up, victim.sign(victim.soberReading(3)).bytes())), true);
                table.remove(control);
                assertEquals(3, control.accepted(), "the genuine control readings must be stored: " + control);
                String genuine1 = evidence(receiver).get(VICTIM + "#1");

                String reading10 = RawJws.json(victim.soberReading(10));
                String sig = genuine1.substring(genuine1.lastIndexOf('.') + 1);
                String flipped = genuine1.substring(0, genuine1.length() - 2) + (genuine1.charAt(genuine1.length() - 2) == 'A' ? 'B' : 'A')
                        + genuine1.charAt(genuine1.length() - 1);
                String changedPayload = RawJws.b64("{\"alg\":\"EdDSA\",\"kid\":\"" + victimKid + "\"}") + "."
                        + RawJws.b64(RawJws.json(victim.positiveReading(10))) + "." + sig;
                rows.add(attack(receiver, "forged signature (bit flipped, payload swapped, attacker's key, spliced)", asVictim, List.of(
                        Attempt.of(up, flipped),
                        Attempt.of(up, changedPayload),
                        Attempt.of(up, RawJws.signedAs(victimKid, reading10, new KeyId("attacker", 1))),
                        Attempt.of(up, RawJws.b64("{\"alg\":\"EdDSA\",\"kid\":\"" + victimKid + "\"}") + "." + RawJws.b64(reading10) + "." + sig)),
                        true));

                SampleMessages stranger = SampleMessages.of(STRANGER);
                rows.add(attack(receiver, "unknown device, unknown key version", asStranger, List.of(
                        new Attempt(Topics.uplink(STRANGER, MessageType.READING), stranger.sign(stranger.soberReading(1)).bytes()),
                        new Attempt(Topics.uplink(STRANGER, MessageType.SUPPORT_REQUEST), stranger.sign(stranger.supportRequest(2)).bytes())),
                        true));
                rows.add(attack(receiver, "unknown key version of an enrolled device (kid victim:2)", asVictim, List.of(
                        Attempt.of(up, RawJws.signedAs(new KeyId(VICTIM, 2), reading10, new KeyId(VICTIM, 2)))), true));

                SampleMessages revoked = SampleMessages.of(REVOKED);
                rows.add(attack(receiver, "revoked device", asRevoked, List.of(
                        new Attempt(Topics.uplink(REVOKED, MessageType.READING), revoked.sign(revoked.soberReading(1)).bytes()),
                        new Attempt(Topics.uplink(REVOKED, MessageType.READING), revoked.sign(revoked.positiveReading(2)).bytes())), true));
                SampleMessages rotated = SampleMessages.of(ROTATED);
                rows.add(attack(receiver, "revoked key version (rotated device, old key)", asRotated, List.of(
                        Attempt.of(Topics.uplink(ROTATED, MessageType.READING), RawJws.signedAs(new KeyId(ROTATED, 1),
                                RawJws.json(rotated.soberReading(5)), new KeyId(ROTATED, 1)))), true));

                String h = "\"kid\":\"" + victimKid + "\"";
                rows.add(attack(receiver, "alg: none (none, None, NONE, nOnE; with and without a signature)", asVictim, List.of(
                        Attempt.of(up, RawJws.unsigned("{\"alg\":\"none\"," + h + "}", reading10, "")),
                        Attempt.of(up, RawJws.unsigned("{\"alg\":\"None\"," + h + "}", reading10, "")),
                        Attempt.of(up, RawJws.unsigned("{\"alg\":\"NONE\"," + h + "}", reading10, "")),
                        Attempt.of(up, RawJws.unsigned("{\"alg\":\"nOnE\"," + h + "}", reading10, "")),
                        Attempt.of(up, RawJws.signed("{\"alg\":\"none\"," + h + "}", reading10.getBytes(StandardCharsets.UTF_8), victimKid))),
                        true));
                rows.add(attack(receiver, "algorithm confusion (HS256 keyed with the public key, ES256, RS256, no alg)", asVictim, List.of(
                        Attempt.of(up, RawJws.hmac("{\"alg\":\"HS256\"," + h + "}", reading10,
                                TestKeys.device(VICTIM).verificationKey().toPem().getBytes(StandardCharsets.US_ASCII))),
                        Attempt.of(up, RawJws.signed("{\"alg\":\"ES256\"," + h + "}", reading10.getBytes(StandardCharsets.UTF_8), victimKid)),
                        Attempt.of(up, RawJws.signed("{\"alg\":\"RS256\"," + h + "}", reading10.getBytes(StandardCharsets.UTF_8), victimKid)),
                        Attempt.of(up, RawJws.signed("{" + h + "}", reading10.getBytes(StandardCharsets.UTF_8), victimKid))), true));

                byte[] replay = genuine1.getBytes(StandardCharsets.US_ASCII);
                rows.add(attack(receiver, "replayed genuine message (same bytes again)", asVictim, List.of(
                        new Attempt(up, replay), new Attempt(up, replay), new Attempt(up, replay)), true));
                rows.add(attack(receiver, "reused sequence number, new content, genuine key", asVictim, List.of(
                        new Attempt(up, victim.sign(victim.positiveReading(2)).bytes()),
                        new Attempt(up, victim.sign(victim.abortedReading(3)).bytes())), true));

                StringBuilder big = new StringBuilder();
                while (big.length() < 17_000) {
                    big.append("aaaaaaaaaa");
                }
                String bigJson = reading10.substring(0, reading10.length() - 1) + ",\"x_padding\":\"" + big + "\"}";
                rows.add(attack(receiver, "oversized payload (20 KB junk, 17 KB signed, 1 MB)", asVictim, List.of(
                        new Attempt(up, new byte[20_000]),
                        Attempt.of(up, RawJws.signedAs(victimKid, bigJson, victimKid)),
                        new Attempt(up, new byte[1 << 20])), true));

                rows.add(attack(receiver, "malformed payloads (" + malformed(victimKid, reading10).size() + " kinds)", asVictim,
                        malformed(victimKid, reading10).stream().map(p -> new Attempt(up, p)).toList(), true));
                // Genuine readings on another topic type: routing never costs evidence (issue 16). They are stored as the
                // readings they are (their bytes are the device's own), never quarantined, so no device drops them.
                Row misrouted = attack(receiver, "signed message on the wrong topic type (reading as status, as tamper)", asVictim, List.of(
                        Attempt.of(Topics.uplink(VICTIM, MessageType.STATUS), RawJws.signedAs(victimKid, RawJws.json(victim.soberReading(11)), victimKid)),
                        Attempt.of(Topics.uplink(VICTIM, MessageType.TAMPER), RawJws.signedAs(victimKid, RawJws.json(victim.soberReading(12)), victimKid))),
                        true);
                assertEquals(2, misrouted.accepted(), "stored by their signed type: " + misrouted);
                assertTrue(receiver.store().event(VICTIM, 11).orElseThrow().event() instanceof org.breathgate.protocol.Reading);
                assertTrue(receiver.store().event(VICTIM, 12).orElseThrow().event() instanceof org.breathgate.protocol.Reading);

                SampleMessages other = SampleMessages.of(OTHER);
                String otherUp = Topics.uplink(OTHER, MessageType.READING);
                rows.add(attack(receiver, "device speaking for another (kid of victim on own topic, payload naming victim)", asOther, List.of(
                        Attempt.of(otherUp, RawJws.signedAs(victimKid, reading10, new KeyId(OTHER, 1))),
                        Attempt.of(otherUp, RawJws.signedAs(new KeyId(OTHER, 1), reading10, new KeyId(OTHER, 1)))), true));

                // The broker's ACL: another device's topic. MQTT 3.1.1 cannot refuse a publish; Mosquitto drops it.
                AtomicInteger snooped = new AtomicInteger();
                asOther.subscribe(Topics.downlinkFilter(VICTIM), 1, (topic, message) -> snooped.incrementAndGet());
                Row acl = attack(receiver, "publishing on another device's topic (Mosquitto ACL)", asOther, List.of(
                        new Attempt(up, other.sign(other.soberReading(1)).bytes()),
                        new Attempt(up, other.sign(other.positiveReading(2)).bytes()),
                        new Attempt(Topics.uplink(VICTIM, MessageType.SUPPORT_REQUEST), other.sign(other.supportRequest(3)).bytes())), false);
                rows.add(acl);
                // ... and reading another device's downlink: the victim's next ack must not reach the other device.
                asVictim.publish(up, victim.sign(victim.soberReading(4)).bytes(), 1, false);
                await(() -> receiver.store().count(VICTIM) == 6 && receiver.stats().acksPublished() > 0, WAIT, "the victim's reading 4 stored");
                Thread.sleep(500);
                table.add(new Row("reading another device's acks and configuration (Mosquitto ACL)", 1, snooped.get(),
                        "subscription allowed, every message withheld by the broker"));
                rows.add(table.get(table.size() - 1));
                assertEquals(6, receiver.store().count(VICTIM), "the victim's genuine readings 1-4, 11 and 12, nothing else");
            }
            for (Row r : rows) {
                assertEquals(0, r.accepted(), r.toString());
            }
        }
    }

    /** Signed (so the signature is not what stops them) or broken payloads: each must be quarantined, never stored. */
    private static List<byte[]> malformed(KeyId kid, String reading) {
        String victimReading = reading;
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        out.add("{\"not\":\"a jws\"}".getBytes(StandardCharsets.UTF_8));
        out.add("abc.def".getBytes(StandardCharsets.UTF_8));
        out.add("abc..def".getBytes(StandardCharsets.UTF_8));
        String genuine = RawJws.signedAs(kid, victimReading, kid);
        out.add((genuine + "==").getBytes(StandardCharsets.US_ASCII));
        out.add(genuine.replaceFirst("\\.", ".+/").getBytes(StandardCharsets.US_ASCII));
        out.add(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0, '.', 'a', '.', 'b'});
        out.add(RawJws.signed("not json", victimReading.getBytes(StandardCharsets.UTF_8), kid).getBytes(StandardCharsets.US_ASCII));
        String[] payloads = {
            victimReading.replaceFirst("\\{", "{\"v\":1,"),                                   // duplicate key
            victimReading + " {}",                                                           // trailing data
            victimReading.replace("\"seq\":10", "\"seq\":\"10\""),                           // number as string
            victimReading.replace("\"seq\":10", "\"seq\":0"),                                // seq out of range
            victimReading.replace("\"seq\":10", "\"seq\":9007199254740992"),                  // seq above 2^53-1
            victimReading.replace("\"seq\":10", "\"seq\":1e400"),                            // not an integer
            victimReading.replace("\"AL-7000\"", "\"AL-7000\\u0000\\n<script>\""),           // control characters
            victimReading.replace("\"brac_ug_l\":0", "\"brac_ug_l\":-5"),                    // negative value
            victimReading.replace("\"outcome\":\"pass\",", ""),                              // required field missing
            victimReading.replace("\"type\":\"reading\"", "\"type\":\"reading_v2\""),        // unknown type
            victimReading.replace("\"v\":1", "\"v\":2"),                                     // unsupported version
            victimReading.substring(0, victimReading.length() - 1) + ",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}", // nesting
            victimReading.replace("\"outcome\":\"pass\"", "\"outcome\":\"pass'; drop table evidence; --\""), // SQL in a field
        };
        for (String p : payloads) {
            out.add(RawJws.signedAs(kid, p, kid).getBytes(StandardCharsets.UTF_8));
        }
        byte[] invalidUtf8 = victimReading.replace("AL-7000", "AL-7000\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        out.add(RawJws.signed("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\"}", invalidUtf8, kid).getBytes(StandardCharsets.US_ASCII));
        out.add(RawJws.signed("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"crit\":[\"exp\"],\"exp\":1}", victimReading.getBytes(StandardCharsets.UTF_8), kid)
                .getBytes(StandardCharsets.US_ASCII));
        out.add(RawJws.signed("{\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\",\"typ\":\"breathgate-key-rotation\"}",
                victimReading.getBytes(StandardCharsets.UTF_8), kid).getBytes(StandardCharsets.US_ASCII));
        out.add(RawJws.signed("{\"alg\":\"EdDSA\",\"alg\":\"EdDSA\",\"kid\":\"" + kid + "\"}", victimReading.getBytes(StandardCharsets.UTF_8), kid)
                .getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    @Test
    @Timeout(120)
    void a_compromised_broker_cannot_make_a_device_delete_evidence_or_take_a_schedule() throws Exception {
        try (MosquittoBroker broker = brokerWithAcl(); Receiver receiver = startReceiver(broker)) {
            // The agent is not enrolled at the receiver: nothing acks its readings, so they stay in its outbox,
            // and only a forged ack could remove them.
            Map<String, String> settings = FaultAgent.settings(dir, AGENT, broker.tlsUri(), TestKeys.receiver().verificationKey());
            Path secret = Files.writeString(dir.resolve("agent-mqtt-password"), password(AGENT) + "\n");
            settings.put("mqtt.tls.ca", broker.certificates().caCertificate().toString());
            settings.put("mqtt.username", AGENT);
            settings.put("mqtt.password.file", secret.toString());
            try (FaultAgent agent = FaultAgent.start(settings); MqttClient asBroker = login(broker, "receiver")) {
                agent.startTesting(Duration.ofMillis(50));
                await(() -> agent.made() >= 5, WAIT, "five readings");
                agent.stopTesting();
                await(() -> agent.status().publisher().inFlight() >= agent.outbox().depth(), WAIT, "all sent");
                long depth = agent.outbox().depth();
                long made = agent.made();
                String ackTopic = Topics.downlink(AGENT, MessageType.ACK);
                List<Ack.Entry> all = new ArrayList<>();
                for (long seq = 1; seq <= Math.min(made, Ack.MAX_ENTRIES); seq++) {
                    all.add(new Ack.Entry(seq, Ack.Result.STORED, null));
                }
                String ackJson = RawJws.json(new Ack(AGENT, Instant.now(), all));
                KeyId receiverKid = KeyId.receiver(1);
                List<Attempt> forgedAcks = List.of(
                        Attempt.of(ackTopic, RawJws.signedAs(receiverKid, ackJson, new KeyId("attacker", 1))),  // wrong key
                        Attempt.of(ackTopic, RawJws.signedAs(new KeyId(AGENT, 1), ackJson, new KeyId(AGENT, 1))), // the device's own key
                        Attempt.of(ackTopic, RawJws.unsigned("{\"alg\":\"none\",\"kid\":\"receiver:1\"}", ackJson, "")),
                        Attempt.of(ackTopic, RawJws.signedAs(KeyId.receiver(2), ackJson, KeyId.receiver(2))), // a receiver key the device does not know
                        // a genuine receiver-signed ack, but for another device, replayed onto this one's topic
                        new Attempt(ackTopic, new MessageSigner(TestKeys.receiver()).sign(new Ack(VICTIM, Instant.now(), all)).bytes()));
                for (Attempt a : forgedAcks) {
                    asBroker.publish(a.topic(), a.payload(), 1, false);
                }
                Thread.sleep(1_500);
                long deleted = depth - agent.outbox().depth();
                table.add(new Row("forged acks to a device (wrong key, device's own key, alg none, unknown receiver key, another device's ack)",
                        forgedAcks.size(), Math.max(0, deleted), "ignored by the agent; outbox kept " + agent.outbox().depth() + " of " + depth));
                assertEquals(depth, agent.outbox().depth(), "no forged ack may delete evidence from the outbox");

                String configTopic = Topics.downlink(AGENT, MessageType.CONFIG);
                Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of());
                MessageSigner receiverSigner = new MessageSigner(TestKeys.receiver());
                ConfigUpdate v2 = new ConfigUpdate(AGENT, 2, Instant.now(), schedule, new BreathAlcohol(100), "fi", 600);
                ConfigUpdate v1 = new ConfigUpdate(AGENT, 1, Instant.now().minusSeconds(3600), schedule, new BreathAlcohol(900), "en", 600);
                ConfigUpdate forged = new ConfigUpdate(AGENT, 99, Instant.now(), schedule, new BreathAlcohol(10_000), "en", 86_400);
                // Control: a genuine configuration is taken.
                asBroker.publish(configTopic, receiverSigner.sign(v2).bytes(), 1, true);
                await(() -> agent.status().configVersion() == 2, WAIT, "the genuine configuration v2 is taken");
                List<Attempt> configAttacks = List.of(
                        Attempt.of(configTopic, RawJws.signedAs(receiverKid, RawJws.json(forged), new KeyId("attacker", 1))),
                        Attempt.of(configTopic, RawJws.unsigned("{\"alg\":\"none\",\"kid\":\"receiver:1\"}", RawJws.json(forged), "")),
                        new Attempt(configTopic, receiverSigner.sign(v1).bytes()), // replay of an older genuine configuration
                        new Attempt(configTopic, receiverSigner.sign(new ConfigUpdate(VICTIM, 100, Instant.now(), schedule,
                                new BreathAlcohol(10_000), "en", 86_400)).bytes())); // genuine, but another device's
                for (Attempt a : configAttacks) {
                    asBroker.publish(a.topic(), a.payload(), 1, false);
                }
                Thread.sleep(1_500);
                long taken = agent.status().configVersion() == 2 ? 0 : 1;
                table.add(new Row("forged, replayed (older) or another device's configuration (schedule, threshold)", configAttacks.size(), taken,
                        "ignored; configuration stays v2; forgeries recorded as config_rejected tamper events"));
                assertEquals(2, agent.status().configVersion(), "the agent keeps the genuine configuration v2");
                assertTrue(agent.made() > made, "the rejected configurations became tamper events (evidence)");

                // Control: a genuine ack from the receiver's key does delete what it names (so the refusals above were real).
                long before = agent.outbox().depth();
                asBroker.publish(ackTopic, receiverSigner.sign(new Ack(AGENT, Instant.now(), all)).bytes(), 1, false);
                await(() -> agent.outbox().depth() < before, WAIT, "a genuine ack is honoured");
            }
        }
    }

    // ---------------------------------------------------------------- the web half: pages and REST API

    private static final String PASSWORD = "kolme iloista kirahvia";
    private static final String SECRET = "SECRET-OTHER-ORG";
    private static final List<String> SQL = List.of("' OR '1'='1", "'; DROP TABLE evidence; --",
            "x' UNION SELECT password_hash FROM users --", "\" OR \"\"=\"");
    private static final List<String> SCRIPT = List.of("<script>alert('bg')</script>", "\"><img src=x onerror=alert('bg')>",
            "javascript:alert('bg')");
    /** What would show that a script payload reached a page unescaped. */
    private static final List<String> SCRIPT_MARKERS = List.of("<script>alert('bg')", "<img src=x onerror", "href=\"javascript:");

    private static void people(String stdin, String[] base, String... args) {
        String[] all = new String[base.length + args.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        java.io.InputStream in = System.in;
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        int code;
        try {
            System.setIn(new java.io.ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            System.setOut(new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8));
            code = new picocli.CommandLine(new org.breathgate.receiver.app.ReceiverMain()).execute(all);
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
        assertEquals(0, code, "breathgate-receiver " + String.join(" ", args) + ": " + buffer);
    }

    /** Counts of what the database holds that no web request should change by injection. */
    private static Map<String, Long> tables(Receiver receiver) throws Exception {
        return receiver.database().read(c -> {
            Map<String, Long> counts = new TreeMap<>();
            try (var q = c.createStatement()) {
                for (String table : List.of("evidence", "users", "clients", "organisations", "device_keys", "quarantine")) {
                    try (var r = q.executeQuery("select count(*) from " + table)) {
                        r.next();
                        counts.put(table, r.getLong(1));
                    } catch (java.sql.SQLException e) {
                        counts.put(table + " (" + e.getMessage() + ")", -1L);
                    }
                }
                try (var r = q.executeQuery("select count(*) from sqlite_master where type = 'table'")) {
                    r.next();
                    counts.put("tables", r.getLong(1));
                }
            }
            return counts;
        });
    }

    /** Whether a response let an attack through: a server error, another organisation's client, an unescaped script. */
    private static int breaches(Browser.Response r, List<String> seen) {
        int n = 0;
        if (r.status() >= 500) {
            seen.add("5xx " + r);
            n++;
        }
        if (r.body().contains(SECRET)) {
            seen.add("another organisation's client shown: " + r);
            n++;
        }
        boolean html = r.header("Content-Type").orElse("").contains("html");
        for (String marker : SCRIPT_MARKERS) {
            if (html && r.body().contains(marker)) { // JSON answers carry text as data; a browser renders only HTML
                seen.add("unescaped script (" + marker + "): " + r);
                n++;
            }
        }
        return n;
    }

    @Test
    @Timeout(180)
    void web_inputs_resist_sql_and_script_injection_csrf_session_fixation_and_brute_force() throws Exception {
        long started = System.nanoTime();
        Path data = Files.createDirectories(dir.resolve("web-receiver"));
        String jdbcUrl = "jdbc:sqlite:" + data.resolve("breathgate.db");
        String[] base = {"--data-dir", data.toString(), "--jdbc-url", jdbcUrl};
        String device = "home-web-1";
        people(null, base, "people", "add-organisation", "--id", "sa-1", "--name", "Päihdepalvelut", "--kind", "substance-abuse");
        people(null, base, "people", "add-organisation", "--id", "sa-2", "--name", "Toinen palvelu", "--kind", "substance-abuse");
        people(null, base, "people", "add-client", "--id", "case-web-1", "--name", "Parent A", "--organisation", "sa-1");
        people(null, base, "people", "add-client", "--id", "case-web-xss", "--name", SCRIPT.get(0), "--organisation", "sa-1");
        people(null, base, "people", "add-client", "--id", "case-secret", "--name", SECRET, "--organisation", "sa-2");
        for (String user : List.of("anna", "carl", "dora")) {
            people(PASSWORD + "\n", base, "people", "add-user", "--id", user, "--role", "substance-abuse-worker", "--organisation", "sa-1",
                    "--email", user + "@example.org", "--language", "en", "--password-stdin");
        }
        people(PASSWORD + "\n", base, "people", "add-user", "--id", "bertta", "--role", "substance-abuse-worker", "--organisation", "sa-2",
                "--email", "bertta@example.org", "--language", "en", "--password-stdin");
        people(null, base, "people", "assign-device", "--device", device, "--client", "case-web-1", "--from",
                Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());

        Map<String, String> s = new HashMap<>();
        s.put(ReceiverConfig.DATA_DIR, data.toString());
        s.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        s.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(org.breathgate.testkit.Ports.free()));
        s.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        s.put(ReceiverConfig.MQTT_CLIENT_ID, "security-web");
        // Passwords are attacked here; the second factor has its own tests (SecondFactorIT, OidcSignInIT).
        s.put(ReceiverConfig.SIGNIN_SECOND_FACTOR, "off-demo-only");
        s.put(ReceiverConfig.WEB_PORT, "0");
        s.put(ReceiverConfig.DEVICE_API_PORT, "0");
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(s), Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT), "the receiver did not subscribe");
            var web = receiver.web().orElseThrow(() -> new AssertionError("the receiver serves no HTTPS"));
            String url = "https://127.0.0.1:" + web.port();
            java.security.cert.X509Certificate certificate = web.identity().certificate();

            // A device that sends script in the fields it controls (tamper detail, sensor model): its words reach the worker's pages.
            receiver.registry().enroll(TestKeys.device(device).verificationKey());
            SampleMessages home = SampleMessages.of(device).at(Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            org.breathgate.protocol.Reading template = home.positiveReading(1);
            org.breathgate.protocol.Reading xssReading = new org.breathgate.protocol.Reading(device, 1, template.clock(), template.reason(),
                    template.outcome(), template.breathAlcohol(), template.threshold(), null, 4_000, 210,
                    new org.breathgate.protocol.SensorFacts(SCRIPT.get(1), SCRIPT.get(2), java.time.LocalDate.of(2027, 1, 1)));
            try (MqttClient mqtt = new Login(receiver.brokerUri(), device)) {
                MqttConnectOptions deviceLogin = new MqttConnectOptions();
                deviceLogin.setUserName(device);
                deviceLogin.setPassword(receiver.brokerLogins().issue(device, "test").password().toCharArray());
                mqtt.connect(deviceLogin);
                mqtt.publish(Topics.uplink(device, MessageType.READING), home.sign(xssReading).bytes(), 1, false);
                mqtt.publish(Topics.uplink(device, MessageType.TAMPER), home.sign(new org.breathgate.protocol.TamperEvent(device, 2,
                        home.clockFacts(), org.breathgate.protocol.TamperKind.DEVICE_INTEGRITY, SCRIPT.get(0))).bytes(), 1, false);
                mqtt.publish(Topics.uplink(device, MessageType.SUPPORT_REQUEST), home.sign(home.supportRequest(3)).bytes(), 1, false);
            }
            await(() -> receiver.store().count(device) == 3, WAIT, "the device's three events stored");
            receiver.awaitCareIdle(WAIT);

            // ---- user enumeration: an unknown user and a wrong password must look the same (from a source of its own)
            Browser probe = new Browser(url, certificate);
            Browser.Response unknown = probe.signInFrom("127.0.0.10", "nobody-here", "whatever");
            Browser.Response wrong = probe.signInFrom("127.0.0.10", "bertta", "whatever");
            long differs = unknown.status() == wrong.status() && errorCode(unknown).equals(errorCode(wrong)) ? 0 : 1;
            table.add(new Row("user enumeration (unknown user vs wrong password)", 2, differs, unknown.status() + " / " + wrong.status()
                    + " " + errorCode(unknown) + " / " + errorCode(wrong)));

            // ---- session fixation: a pre-login session planted by the attacker, and a cookie value the attacker chose
            Browser victim = new Browser(url, certificate);
            Browser.Response page = victim.get("/login");
            String planted = victim.session;
            String formToken = Browser.formToken(page.body()).orElseThrow();
            victim.form("POST", "/login", Map.of("username", "anna", "password", PASSWORD, "_csrf", formToken));
            Browser withPlanted = new Browser(url, certificate);
            withPlanted.session = planted;
            long fixated = 0;
            if (planted == null || planted.equals(victim.session) || withPlanted.get("/api/v1/session").status() == 200) {
                fixated++;
            }
            Browser chosen = new Browser(url, certificate);
            chosen.session = "attacker-chosen-session-id-0123456789";
            chosen.signIn("anna", PASSWORD);
            Browser replay = new Browser(url, certificate);
            replay.session = "attacker-chosen-session-id-0123456789";
            if (replay.get("/api/v1/session").status() == 200) {
                fixated++;
            }
            table.add(new Row("session fixation (planted pre-login session, attacker-chosen cookie)", 2, fixated,
                    "new session id at sign-in; the old one signs nobody in"));

            // ---- CSRF: anna is signed in; requests forged without her token, with a wrong one, with bertta's
            Browser anna = new Browser(url, certificate);
            assertEquals(200, anna.signIn("anna", PASSWORD).status(), "anna signs in");
            Browser bertta = new Browser(url, certificate);
            assertEquals(200, bertta.signIn("bertta", PASSWORD).status(), "bertta signs in");
            String alertKey = receiver.care().alerts().alertsFor(org.breathgate.care.access.Actor.substanceAbuseWorker("anna", "sa-1")).stream()
                    .findFirst().map(org.breathgate.care.alert.Alert::key).orElse("none");
            List<String> csrfHits = new ArrayList<>();
            int csrfAttempts = 0;
            int csrfAccepted = 0;
            for (String forgedToken : java.util.Arrays.asList(null, "0123456789abcdef", bertta.csrf)) {
                Map<String, String> f = new HashMap<>();
                if (forgedToken != null) {
                    f.put("_csrf", forgedToken);
                }
                List<Browser.Response> answers = new ArrayList<>();
                Map<String, String> note = new HashMap<>(f);
                note.put("note", "forged");
                note.put("key", alertKey);
                answers.add(anna.form("POST", "/alerts/acknowledge", note));
                answers.add(anna.form("POST", "/clients/case-web-1/excuse", note));
                answers.add(anna.form("POST", "/devices/enrollment-codes", note));
                answers.add(anna.form("POST", "/clients/case-web-1/consents", note));
                answers.add(anna.form("POST", "/consents/revoke", note));
                answers.add(anna.form("POST", "/logout", f));
                answers.add(anna.json("PUT", "/api/v1/clients/case-web-1/schedule",
                        "{\"zone\":\"Europe/Helsinki\",\"slots\":[{\"at\":\"03:00\"}]}", forgedToken));
                answers.add(anna.json("POST", "/api/v1/alerts/" + Browser.seg(alertKey) + "/acknowledgement", "{\"note\":\"forged\"}", forgedToken));
                answers.add(anna.json("POST", "/api/v1/devices/" + device + "/events/1/excuse", "{\"note\":\"forged\"}", forgedToken));
                answers.add(anna.json("DELETE", "/api/v1/session", null, forgedToken));
                answers.add(anna.raw("POST", "/api/v1/alerts/" + Browser.seg(alertKey) + "/acknowledgement", "text/plain", "{\"note\":\"forged\"}"));
                for (Browser.Response r : answers) {
                    csrfAttempts++;
                    if (r.status() != 403) {
                        csrfAccepted++;
                        csrfHits.add(r.toString());
                    }
                }
            }
            assertEquals(200, anna.get("/api/v1/session").status(), "anna is still signed in: no forged logout worked");
            String cookie = anna.signIn("anna", PASSWORD).all("Set-Cookie").stream().filter(c -> c.startsWith(Browser.COOKIE)).findFirst().orElse("");
            boolean strict = cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly") && cookie.contains("Secure");
            table.add(new Row("CSRF (no token, wrong token, another user's token; forms, JSON, text/plain)", csrfAttempts + 1,
                    csrfAccepted + (strict ? 0 : 1), strict ? "403 csrf_failed; cookie Secure, HttpOnly, SameSite=Strict" : "cookie attributes: " + cookie));
            assertEquals(List.of(), csrfHits, "forged requests that were not refused");

            // ---- SQL injection through every input, as signed-in anna (and at the sign-in itself)
            Map<String, Long> before = tables(receiver);
            List<String> seen = new ArrayList<>();
            int sqlAttempts = 0;
            int sqlAccepted = 0;
            for (String p : SQL) {
                for (Browser.Response r : everyInput(anna, p, alertKey, device)) {
                    sqlAttempts++;
                    sqlAccepted += breaches(r, seen);
                }
            }
            // At the sign-in: injected user names and passwords, each from a source of its own so that the
            // throttle does not answer for the password check (carl's account takes the password payloads).
            int source = 0;
            for (String p : SQL) {
                for (String[] cred : new String[][] {{p, PASSWORD}, {"carl", p}}) {
                    Browser.Response r = anna.signInFrom("127.0.1." + (++source), cred[0], cred[1]);
                    sqlAttempts++;
                    if (r.status() == 200) {
                        sqlAccepted++;
                        seen.add("signed in with " + List.of(cred));
                    } else if (r.status() >= 500) {
                        sqlAccepted++;
                        seen.add("5xx at sign-in with " + List.of(cred) + ": " + r);
                    }
                }
            }
            Map<String, Long> after = tables(receiver);
            before.remove("quarantine");
            after.remove("quarantine");
            if (!before.equals(after)) {
                sqlAccepted++;
                seen.add("tables changed: " + before + " -> " + after);
            }
            table.add(new Row("SQL injection (" + SQL.size() + " payloads × every page, API and sign-in input)", sqlAttempts, sqlAccepted,
                    seen.isEmpty() ? "typed 4xx answers or the payload kept as plain text; tables unchanged" : seen.toString()));
            assertEquals(List.of(), seen, "SQL injection");

            // ---- script injection: stored (notes, names, device fields) and reflected (query parameters), then every page read back
            List<String> xss = new ArrayList<>();
            int xssAttempts = 0;
            int xssAccepted = 0;
            for (String p : SCRIPT) {
                for (Browser.Response r : everyInput(anna, p, alertKey, device)) {
                    xssAttempts++;
                    xssAccepted += breaches(r, xss);
                }
            }
            for (String path : List.of("/caseload", "/clients/case-web-1", "/clients/case-web-1/consents", "/alerts", "/devices", "/me",
                    "/api/v1/clients/case-web-1/timeline", "/api/v1/alerts", "/api/v1/clients")) {
                Browser.Response r = anna.get(path);
                xssAttempts++;
                if (r.header("Content-Type").orElse("").contains("html")) {
                    xssAccepted += breaches(r, xss);
                    String csp = r.header("Content-Security-Policy").orElse("");
                    if (csp.isEmpty() || csp.contains("unsafe-inline") && csp.contains("script-src")) {
                        xssAccepted++;
                        xss.add(path + ": no script-blocking Content-Security-Policy: '" + csp + "'");
                    }
                }
            }
            table.add(new Row("script injection (" + SCRIPT.size() + " payloads: stored notes, client name, device fields; reflected parameters)",
                    xssAttempts, xssAccepted, xss.isEmpty() ? "escaped on every page; CSP on HTML" : xss.toString()));
            assertEquals(List.of(), xss, "script injection");

            // ---- reaching another organisation's client directly
            int idor = 0;
            List<String> other = new ArrayList<>();
            for (String path : List.of("/clients/case-secret", "/clients/case-secret/consents", "/api/v1/clients/case-secret/timeline",
                    "/api/v1/clients/case-secret/consents", "/api/v1/clients/case-secret/export", "/api/v1/clients/case-secret/report.pdf")) {
                Browser.Response r = anna.get(path);
                if (r.status() == 200 || r.body().contains(SECRET)) {
                    idor++;
                    other.add(path + " " + r);
                }
            }
            table.add(new Row("another organisation's client by its id (pages, API, export, PDF)", 6, idor,
                    other.isEmpty() ? "refused by the access policy" : other.toString()));
            assertEquals(List.of(), other, "another organisation's client");

            // ---- brute force on dora's account (progressive delays, not a lock a stranger can keep her in):
            // 6 wrong passwords from one address, then the right one from it by API and by form: the address waits (429);
            // then 21 wrong passwords from 21 other addresses, then the right one from a fresh address: the account as a
            // whole waits, at most a minute.
            Browser guesser = new Browser(url, certificate);
            int guesses = 0;
            int signedIn = 0;
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < 6; i++) {
                Browser.Response r = guesser.signInFrom("127.0.0.1", "dora", "guess-" + i);
                guesses++;
                statuses.merge(r.status(), 1, Integer::sum);
                if (r.status() == 200) {
                    signedIn++;
                }
            }
            Browser.Response right = guesser.signInFrom("127.0.0.1", "dora", PASSWORD);
            guesses++;
            statuses.merge(right.status(), 1, Integer::sum);
            if (right.status() == 200) {
                signedIn++;
            }
            Browser formGuesser = new Browser(url, certificate);
            Browser.Response loginPage = formGuesser.get("/login");
            String token = Browser.formToken(loginPage.body()).orElseThrow(() -> new AssertionError("no CSRF token on /login: " + loginPage));
            Browser.Response formRight = formGuesser.form("POST", "/login", Map.of("username", "dora", "password", PASSWORD, "_csrf", token));
            guesses++;
            String formWhere = formRight.header("Location").orElse("");
            if (!formWhere.contains("error=slowed")) {
                signedIn++;
            }
            for (int i = 0; i < 21; i++) {
                Browser.Response r = guesser.signInFrom("127.0.2." + (i + 1), "dora", "spread-" + i);
                guesses++;
                statuses.merge(r.status(), 1, Integer::sum);
                if (r.status() == 200) {
                    signedIn++;
                }
            }
            Browser.Response spreadRight = guesser.signInFrom("127.0.2.99", "dora", PASSWORD);
            guesses++;
            statuses.merge(spreadRight.status(), 1, Integer::sum);
            if (spreadRight.status() == 200) {
                signedIn++;
            }
            long retryAfter = spreadRight.header("Retry-After").map(Long::parseLong).orElse(-1L);
            assertTrue(spreadRight.status() == 429 && retryAfter > 0 && retryAfter <= 61,
                    "a stranger's spread guesses slow dora down by at most a minute: " + spreadRight.status() + " Retry-After " + retryAfter);
            table.add(new Row("brute-force login (6 wrong from one address, then the right one by API and form; 21 from 21 addresses, then the right one)", guesses,
                    signedIn, "answers " + statuses + ", form -> " + formWhere));
            assertEquals(0, signedIn, "brute force signed in");
            assertEquals(0, differs, "user enumeration");
            assertEquals(0, fixated, "session fixation");
            assertTrue(strict, "session cookie attributes: " + cookie);
            System.out.printf("web attacks: %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
    }

    private static String errorCode(Browser.Response r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"error\"\\s*:\\s*\"([a-z_]+)\"").matcher(r.body());
        return m.find() ? m.group(1) : "(none)";
    }

    /** One request per input of the pages and the API, each carrying {@code p}; anna's CSRF token where one is needed. */
    private static List<Browser.Response> everyInput(Browser anna, String p, String alertKey, String device) throws Exception {
        String e = Browser.enc(p);
        String seg = Browser.seg(p);
        String q = com.fasterxml.jackson.databind.node.TextNode.valueOf(p).toString(); // as a JSON string
        String formToken = anna.csrf; // one token per session, for forms and the X-CSRF-Token header alike
        List<Browser.Response> out = new ArrayList<>();
        out.add(anna.get("/clients/" + seg));
        out.add(anna.get("/clients/" + seg + "/consents"));
        out.add(anna.get("/clients/case-web-1?from=" + e + "&to=" + e));
        out.add(anna.get("/caseload?days=" + e));
        out.add(anna.get("/alerts?saved=" + e));
        out.add(anna.get("/login?next=" + e + "&error=" + e));
        out.add(anna.get("/lang/" + seg + "?back=" + e));
        out.add(anna.get("/lang/en?back=" + e));
        out.add(anna.get("/api/v1/clients/" + seg + "/timeline"));
        out.add(anna.get("/api/v1/clients/case-web-1/timeline?from=" + e + "&to=" + e));
        out.add(anna.get("/api/v1/clients/" + seg + "/consents"));
        out.add(anna.get("/api/v1/clients/" + seg + "/export"));
        out.add(anna.get("/api/v1/clients/case-web-1/report.pdf?from=" + e + "&to=" + e + "&lang=" + e));
        out.add(anna.get("/api/v1/alerts?status=" + e));
        out.add(anna.form("POST", "/alerts/acknowledge", Map.of("_csrf", formToken, "key", p, "note", p)));
        out.add(anna.form("POST", "/alerts/acknowledge", Map.of("_csrf", formToken, "key", alertKey, "note", p)));
        out.add(anna.form("POST", "/clients/case-web-1/excuse", Map.of("_csrf", formToken, "device", device, "seq", "2", "note", p)));
        out.add(anna.form("POST", "/clients/" + seg + "/excuse", Map.of("_csrf", formToken, "note", p)));
        out.add(anna.form("POST", "/clients/case-web-1/consents", Map.of("_csrf", formToken, "unit", p, "from", p, "to", p, "note", p)));
        out.add(anna.form("POST", "/consents/revoke", Map.of("_csrf", formToken, "consent", p, "confirm", p)));
        out.add(anna.form("POST", "/devices/enrollment-codes", Map.of("_csrf", formToken, "note", p)));
        out.add(anna.json("POST", "/api/v1/alerts/" + seg + "/acknowledgement", "{\"note\":" + q + "}", anna.csrf));
        out.add(anna.json("POST", "/api/v1/alerts/" + Browser.seg(alertKey) + "/acknowledgement", "{\"note\":" + q + "}", anna.csrf));
        out.add(anna.json("POST", "/api/v1/devices/" + seg + "/events/" + seg + "/excuse", "{\"note\":" + q + "}", anna.csrf));
        out.add(anna.json("POST", "/api/v1/devices/" + device + "/events/2/excuse", "{\"note\":" + q + "}", anna.csrf));
        out.add(anna.json("PUT", "/api/v1/clients/case-web-1/schedule", "{\"zone\":" + q + ",\"slots\":[{\"at\":" + q + "}]}", anna.csrf));
        out.add(anna.json("POST", "/api/v1/clients/case-web-1/consents", "{\"unit_id\":" + q + ",\"scopes\":[" + q + "],\"valid_from\":" + q
                + ",\"valid_until\":" + q + ",\"note\":" + q + "}", anna.csrf));
        out.add(anna.json("POST", "/api/v1/consents/" + seg + "/revocation", "{\"note\":" + q + "}", anna.csrf));
        out.add(anna.json("POST", "/api/v1/consents/" + seg + "/amendments", "{\"note\":" + q + "}", anna.csrf));
        return out;
    }
}
