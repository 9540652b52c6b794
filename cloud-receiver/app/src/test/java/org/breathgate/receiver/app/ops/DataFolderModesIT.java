package org.breathgate.receiver.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.receiver.app.ReceiverMain;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The receiver's files are its own whatever the umask: {@code breathgate-receiver} run under {@code umask 000} (every file
 * would be 0666 by default) enrolls a device, starts (both HTTPS listeners, the embedded broker), stores readings and
 * stops; while it runs, the database, its WAL and every key and certificate are 0600 in 0700 folders, and after it
 * stopped every file in the data folder is, the embedded broker's too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataFolderModesIT {

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void close() {
        databases.close();
    }

    @Test
    void every_file_the_receiver_writes_is_0600_in_a_0700_folder_under_umask_000() throws Exception {
        Path dir = databases.newFolder();
        Path data = dir.resolve("data");
        int brokerPort = Ports.free();
        int healthPort = Ports.free();
        Properties p = new Properties();
        p.setProperty(ReceiverConfig.DATA_DIR, data.toString());
        p.setProperty(ReceiverConfig.EMBEDDED_PORT, Integer.toString(brokerPort));
        p.setProperty(ReceiverConfig.MQTT_CLIENT_ID, "modes-it");
        p.setProperty(ReceiverConfig.WEB_PORT, Integer.toString(Ports.free()));
        p.setProperty(ReceiverConfig.DEVICE_API_PORT, Integer.toString(Ports.free()));
        p.setProperty(ReceiverConfig.HEALTH_PORT, Integer.toString(healthPort));
        Path config = dir.resolve("receiver.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, null);
        }
        Path pub = dir.resolve("device.pub.pem");
        Files.writeString(pub, TestKeys.device("home-0001").verificationKey().toPem());

        Process enroll = underUmask000(dir, "enroll.log", "--config", config.toString(), "enroll", "home-0001:1", pub.toString());
        assertTrue(enroll.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, enroll.exitValue(), Files.readString(dir.resolve("enroll.log")));

        Process receiver = underUmask000(dir, "receiver.log", "--config", config.toString());
        try {
            awaitReady(healthPort, receiver, dir);
            VerificationKey receiverKey = VerificationKey.fromPem(new org.breathgate.protocol.KeyId("receiver", 1),
                    Files.readString(data.resolve("receiver-key.pem.pub")).trim());
            SampleMessages home = SampleMessages.of("home-0001");
            // The device logs in as itself with the login the enroll command printed (the broker refuses anonymous clients).
            java.util.regex.Matcher printed = java.util.regex.Pattern.compile("broker login: user (\\S+) password (\\S+)")
                    .matcher(Files.readString(dir.resolve("enroll.log")));
            assertTrue(printed.find(), "the enroll command prints the device's broker login: " + Files.readString(dir.resolve("enroll.log")));
            org.eclipse.paho.client.mqttv3.MqttConnectOptions login = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            login.setUserName(printed.group(1));
            login.setPassword(printed.group(2).toCharArray());
            try (FakeDevice device = new FakeDevice("tcp://127.0.0.1:" + brokerPort, printed.group(1), TestKeys.device("home-0001"), receiverKey,
                    login, true)) {
                for (long seq = 1; seq <= 5; seq++) {
                    device.send(home.soberReading(seq));
                }
                for (int i = 0; i < 5; i++) {
                    device.nextAck(Duration.ofSeconds(30));
                }
            }
            // While it runs: everything the receiver itself wrote (the broker's own files are brought in line at start and stop).
            List<String> wrong = wrongModes(data, true);
            assertTrue(wrong.isEmpty(), "while running, not 0600/0700: " + wrong);
            assertTrue(Files.exists(data.resolve("breathgate.db-wal")), "the WAL is there to check");
        } finally {
            receiver.destroy(); // SIGTERM: the receiver stops as systemd would stop it
            assertTrue(receiver.waitFor(60, TimeUnit.SECONDS), "the receiver stops on SIGTERM");
        }
        List<String> wrong = wrongModes(data, false);
        assertTrue(wrong.isEmpty(), "after stopping, not 0600/0700: " + wrong);
        try (Stream<Path> files = Files.walk(data.resolve("broker"))) {
            assertTrue(files.anyMatch(Files::isRegularFile), "the broker's files were checked too");
        }
    }

    private static List<String> wrongModes(Path data, boolean skipBroker) throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            for (Path f : all.toList()) {
                if (skipBroker && f.startsWith(data.resolve("broker"))) {
                    continue;
                }
                try {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                    String expected = Files.isDirectory(f) ? "rwx------" : "rw-------";
                    if (!mode.equals(expected)) {
                        wrong.add(data.relativize(f) + " " + mode);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a temporary file that went away meanwhile
                }
            }
        }
        return wrong;
    }

    private static Process underUmask000(Path dir, String log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ReceiverMain.class.getName()));
        command.addAll(List.of(args));
        StringBuilder shell = new StringBuilder("umask 000 && exec");
        for (String word : command) {
            shell.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        return new ProcessBuilder("sh", "-c", shell.toString()).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
    }

    private static void awaitReady(int healthPort, Process receiver, Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!receiver.isAlive()) {
                fail("the receiver stopped: " + Files.readString(dir.resolve("receiver.log")));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("the receiver did not become ready: " + Files.readString(dir.resolve("receiver.log")));
    }
}
