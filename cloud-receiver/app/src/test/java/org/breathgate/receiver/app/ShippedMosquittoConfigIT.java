package org.breathgate.receiver.app;

import org.breathgate.protocol.Ack;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestCertificates;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped {@code config/mosquitto/mosquitto.conf}, as docs/receiver.md tells an admin to install it (only its folders
 * and ports moved to a temporary place), run by Debian's Mosquitto with the plugin file made by {@code mosquitto_ctrl
 * dynsec init}: the receiver keeps the devices' logins, a device enrolled with the admin command logs in over TLS, and
 * anonymous clients are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShippedMosquittoConfigIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final TestDatabases folders = new TestDatabases();

    @AfterAll
    void cleanUp() {
        folders.close();
    }

    @Test
    void the_shipped_configuration_with_the_dynamic_security_plugin_lets_an_enrolled_device_in_and_nobody_else() throws Exception {
        Path dir = folders.newFolder();
        Path shipped = Path.of(System.getProperty("user.dir")).resolve("../../config/mosquitto/mosquitto.conf").normalize();
        TestCertificates tls = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        int tlsPort = Ports.free();
        int plainPort = Ports.free();
        Path dynsec = dir.resolve("dynamic-security.json");
        run(List.of("mosquitto_ctrl", "dynsec", "init", dynsec.toString(), "receiver", "admin-secret-123"));
        List<String> lines = new ArrayList<>(List.of("user " + System.getProperty("user.name"), "log_dest stdout"));
        for (String line : Files.readAllLines(shipped)) {
            lines.add(line
                    .replace("/etc/mosquitto/breathgate/dynamic-security.json", dynsec.toString())
                    .replace("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so", plugin())
                    .replace("/var/lib/mosquitto/", dir.resolve("data") + "/")
                    .replace("/etc/mosquitto/breathgate/ca.crt", tls.caCertificate().toString())
                    .replace("/etc/mosquitto/breathgate/server.crt", tls.serverCertificate().toString())
                    .replace("/etc/mosquitto/breathgate/server.key", tls.serverKey().toString())
                    .replace("listener 8883", "listener " + tlsPort + " 127.0.0.1")
                    .replace("listener 1883 127.0.0.1", "listener " + plainPort + " 127.0.0.1"));
        }
        Files.createDirectories(dir.resolve("data"));
        Path conf = Files.write(dir.resolve("mosquitto.conf"), lines);
        Process mosquitto = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            assertTrue(Ports.awaitAccepting(tlsPort, WAIT) && Ports.awaitAccepting(plainPort, WAIT),
                    "the shipped configuration did not start: " + Files.readString(dir.resolve("mosquitto.log")));
            Path password = Files.writeString(dir.resolve("mqtt-password"), "admin-secret-123\n");
            Path data = Files.createDirectories(dir.resolve("receiver"));
            ReceiverConfig config = ReceiverConfig.from(Map.of(
                    ReceiverConfig.DATA_DIR, data.toString(),
                    ReceiverConfig.BROKER_URI, "ssl://127.0.0.1:" + tlsPort,
                    ReceiverConfig.MQTT_CA_FILE, tls.caCertificate().toString(),
                    ReceiverConfig.MQTT_USERNAME, "receiver",
                    ReceiverConfig.MQTT_PASSWORD_FILE, password.toString(),
                    ReceiverConfig.BROKER_DEVICE_LOGINS, "mosquitto-dynamic-security",
                    ReceiverConfig.MQTT_CLIENT_ID, "receiver-shipped",
                    ReceiverConfig.WEB_ENABLED, "false"));
            try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
                assertTrue(receiver.awaitReady(WAIT), "the receiver did not subscribe: " + Files.readString(dir.resolve("mosquitto.log")));
                receiver.registry().enroll(TestKeys.device("home-0001").verificationKey());
                String pw = receiver.brokerLogins().issue("home-0001", "test").password();
                receiver.brokerAccounts().loginIssued("home-0001", pw);
                MqttConnectOptions login = new MqttConnectOptions();
                login.setUserName("home-0001");
                login.setPassword(pw.toCharArray());
                login.setSocketFactory(tls.clientSocketFactory());
                try (FakeDevice device = new FakeDevice("ssl://127.0.0.1:" + tlsPort, "home-0001", TestKeys.device("home-0001"),
                        receiver.receiverKey(), login, true)) {
                    device.send(SampleMessages.of("home-0001").soberReading(1));
                    assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
                }
                MqttConnectOptions anonymous = new MqttConnectOptions();
                anonymous.setSocketFactory(tls.clientSocketFactory());
                assertThrows(MqttException.class, () -> new FakeDevice("ssl://127.0.0.1:" + tlsPort, "snoop", TestKeys.device("home-0002"),
                        receiver.receiverKey(), anonymous, true), "anonymous clients are refused");
            }
        } finally {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_receiver_closed_while_its_broker_is_away_stops_trying_to_set_the_broker_up() throws Exception {
        Path dir = folders.newFolder();
        Path password = Files.writeString(dir.resolve("mqtt-password"), "admin-secret-123\n");
        ReceiverConfig config = ReceiverConfig.from(Map.of(
                ReceiverConfig.DATA_DIR, Files.createDirectories(dir.resolve("receiver")).toString(),
                ReceiverConfig.BROKER_URI, "tcp://127.0.0.1:" + Ports.free(), // nobody listens
                ReceiverConfig.MQTT_USERNAME, "receiver",
                ReceiverConfig.MQTT_PASSWORD_FILE, password.toString(),
                ReceiverConfig.BROKER_DEVICE_LOGINS, "mosquitto-dynamic-security",
                ReceiverConfig.MQTT_CLIENT_ID, "receiver-away",
                ReceiverConfig.WEB_ENABLED, "false"));
        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            Eventually.await(WAIT, "a retry of the broker's set-up scheduled", () -> setUpThreadAlive(), () -> "no set-up thread");
        }
        // Its retries every 10 s once outlived the receiver, against a broker long gone.
        Eventually.await(WAIT, "the broker's set-up stopped with the receiver", () -> !setUpThreadAlive(), () -> "still retrying");
    }

    private static boolean setUpThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals("broker-accounts-setup"));
    }

    private static String plugin() {
        for (String p : List.of("/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so")) {
            if (Files.isReadable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("Debian's mosquitto_dynamic_security.so is not installed (apt-get install mosquitto)");
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }
}
