package org.breathgate.receiver.ingest.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A retired device's retained downlink messages are cleared on a real broker (Debian's Mosquitto, logins only): after a
 * sweep a new subscriber to every device's downlink gets the other devices' retained messages and none of the retired one's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetiredDownlinksIT {

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private static MqttClient connect(MosquittoBroker broker, String clientId, String user) throws Exception {
        MqttClient client = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword((user + "-secret").toCharArray());
        options.setCleanSession(true);
        client.connect(options);
        return client;
    }

    /** The retained messages a new subscriber to every device's downlink gets, by topic. */
    private static Map<String, String> retained(MosquittoBroker broker) throws Exception {
        Map<String, String> seen = new TreeMap<>();
        MqttClient observer = connect(broker, "observer", "observer");
        try {
            observer.subscribe(Topics.ROOT + "/+/down/+", 1, (topic, message) -> {
                synchronized (seen) {
                    seen.put(topic, new String(message.getPayload(), StandardCharsets.UTF_8));
                }
            });
            Thread.sleep(1500); // retained messages arrive at once after the subscription; give them time
        } finally {
            observer.disconnect();
            observer.close();
        }
        synchronized (seen) {
            return new TreeMap<>(seen);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_retired_devices_config_support_reply_and_test_request_leave_the_broker_and_other_devices_keep_theirs(
            Database.Dialect dialect) throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-07T06:00:00Z"));
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain()
                .withUser("receiver", "receiver-secret").withUser("observer", "observer-secret"));
             Database database = Database.open(databases.newUrl(dialect))) {
            DeviceRegistry registry = new DeviceRegistry(database, clock);
            registry.enroll(TestKeys.device("home-0001").verificationKey());
            registry.enroll(TestKeys.device("home-0002").verificationKey());
            MqttClient receiver = connect(broker, "receiver-1", "receiver");
            for (MessageType type : List.of(MessageType.CONFIG, MessageType.SUPPORT_REPLY, MessageType.TEST_REQUEST)) {
                receiver.publish(Topics.downlink("home-0001", type), message(type.wireName() + " of home-0001"));
            }
            receiver.publish(Topics.downlink("home-0002", MessageType.CONFIG), message("config of home-0002"));
            assertEquals(4, retained(broker).size());

            RetiredDownlinks downlinks = new RetiredDownlinks(database, (topic, payload) -> receiver.publish(topic, message(payload)), clock);
            assertEquals(List.of(), downlinks.sweep(), "nothing is retired yet");

            // The broker away at the first sweep: the device is tried again at the next.
            registry.revokeDevice("home-0001");
            RetiredDownlinks failing = new RetiredDownlinks(database, (topic, payload) -> {
                throw new IllegalStateException("not connected");
            }, clock);
            assertEquals(List.of(), failing.sweep());
            assertEquals(4, retained(broker).size());

            assertEquals(List.of("home-0001"), downlinks.sweep());
            assertEquals(Map.of(Topics.downlink("home-0002", MessageType.CONFIG), "config of home-0002"), retained(broker));
            assertEquals(List.of(), downlinks.sweep(), "a device is cleared once");
            receiver.disconnect();
            receiver.close();
        }
    }

    private static MqttMessage message(String text) {
        return message(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MqttMessage message(byte[] payload) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(true);
        return m;
    }
}
