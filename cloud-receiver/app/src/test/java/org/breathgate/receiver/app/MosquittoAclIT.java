package org.breathgate.receiver.app;

import org.breathgate.receiver.evidence.db.TestDatabases;

import org.breathgate.protocol.Ack;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped Mosquitto ACL (config/mosquitto/acl) over TLS, with the receiver logging in as "receiver". */
class MosquittoAclIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static String shippedAcl() throws Exception {
        Path acl = Path.of(System.getProperty("user.dir")).resolve("../../config/mosquitto/acl").normalize();
        assertTrue(Files.exists(acl), "the shipped ACL is missing: " + acl);
        return Files.readString(acl);
    }

    private static MqttConnectOptions login(MosquittoBroker broker, String user) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword((user + "-secret").toCharArray());
        options.setSocketFactory(broker.certificates().clientSocketFactory());
        return options;
    }

    @Test
    void a_device_cannot_publish_on_or_read_another_devices_topics_and_the_receiver_never_sees_the_attempt() throws Exception {
        MosquittoBroker.Options options = MosquittoBroker.Options.plain().withTls().withAcl(shippedAcl())
                .withUser("receiver", "receiver-secret").withUser("home-0001", "home-0001-secret").withUser("home-0002", "home-0002-secret");
        try (TestDatabases databases = new TestDatabases(); MosquittoBroker broker = MosquittoBroker.start(options)) {
            Path folder = databases.newFolder();
            Path password = Files.writeString(folder.resolve("mqtt-password"), "receiver-secret\n");
            ReceiverConfig config = ReceiverConfig.from(Map.of(
                    ReceiverConfig.DATA_DIR, folder.toString(),
                    ReceiverConfig.BROKER_URI, broker.tlsUri(),
                    ReceiverConfig.MQTT_CA_FILE, broker.certificates().caCertificate().toString(),
                    ReceiverConfig.MQTT_USERNAME, "receiver",
                    ReceiverConfig.MQTT_PASSWORD_FILE, password.toString(),
                    ReceiverConfig.MQTT_CLIENT_ID, "receiver-acl-test",
                    ReceiverConfig.WEB_ENABLED, "false")); // this test is about MQTT; no HTTPS port
            try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
                assertTrue(receiver.awaitReady(WAIT), "the ACL must let the receiver subscribe:\n" + broker.log());
                receiver.registry().enroll(TestKeys.device("home-0001").verificationKey());
                receiver.registry().enroll(TestKeys.device("home-0002").verificationKey());
                SampleMessages home1 = SampleMessages.of("home-0001");
                SampleMessages home2 = SampleMessages.of("home-0002");
                try (FakeDevice device1 = new FakeDevice(broker.tlsUri(), TestKeys.device("home-0001"), receiver.receiverKey(), login(broker, "home-0001"));
                     FakeDevice device2 = new FakeDevice(broker.tlsUri(), TestKeys.device("home-0002"), receiver.receiverKey(), login(broker, "home-0002"))) {
                    device2.subscribe(Topics.downlinkFilter("home-0001"));
                    // MQTT 3.1.1 has no way to refuse a publish: the broker drops it silently.
                    device2.publish(Topics.uplink("home-0001", MessageType.READING), home2.sign(home2.soberReading(1)).bytes());

                    device1.send(home1.soberReading(1));
                    assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device1.nextAck(WAIT));
                    device2.send(home2.soberReading(1));
                    assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device2.nextAck(WAIT));

                    assertNull(device2.pollAck(Duration.ofMillis(300)));
                    assertEquals(0, device2.badAcks(), "home-0002 read an ack meant for home-0001");
                    assertEquals(2, receiver.stats().stored());
                    // Had the broker passed it on, it would be quarantined as kid_mismatch before home-0001's ack was sent.
                    assertEquals(Map.of(), receiver.stats().quarantined(), "the receiver saw the cross-device publish");
                }
            }
        }
    }
}
