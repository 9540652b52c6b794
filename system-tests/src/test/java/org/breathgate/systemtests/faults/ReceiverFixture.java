package org.breathgate.systemtests.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.ReceiverMain;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.TestKeys;

/**
 * The real receiver for fault tests, with SQLite in a folder of the test and the key {@link TestKeys#receiver()}:
 * in this JVM ({@link #startHere}) or as {@code breathgate-receiver} in a JVM of its own ({@link #startChild}),
 * which a test can kill with SIGKILL and start again on the same data folder.
 */
public final class ReceiverFixture {

    public final Path dataDir;
    public final Path keyFile;
    public final String jdbcUrl;
    public final Path dbFile;
    public final String brokerUri;

    /**
     * @param dbFile where the SQLite file goes (e.g. on a small file system), or null for the data folder
     */
    public ReceiverFixture(Path dir, String brokerUri, Path dbFile) throws Exception {
        this.dataDir = Files.createDirectories(dir.resolve("receiver"));
        this.brokerUri = brokerUri;
        this.keyFile = dataDir.resolve("receiver-key.pem");
        if (!Files.exists(keyFile)) {
            DeviceKeyFile.write(keyFile, TestKeys.receiver());
        }
        this.dbFile = dbFile == null ? dataDir.resolve("breathgate.db") : dbFile;
        this.jdbcUrl = "jdbc:sqlite:" + this.dbFile;
    }

    /** Enrolls the devices' test keys (version 1) in the database; migrates it first if new. */
    public void enroll(String... deviceIds) {
        try (Database database = Database.open(jdbcUrl)) {
            DeviceRegistry registry = new DeviceRegistry(database, Clock.systemUTC());
            for (String id : deviceIds) {
                registry.enroll(TestKeys.device(id).verificationKey());
            }
        }
    }

    public Receiver startHere() throws InterruptedException {
        Map<String, String> s = new HashMap<>();
        s.put(ReceiverConfig.DATA_DIR, dataDir.toString());
        s.put(ReceiverConfig.BROKER_URI, brokerUri);
        s.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        s.put(ReceiverConfig.MQTT_CLIENT_ID, "fault-receiver");
        s.put(ReceiverConfig.RECEIVER_KEY_FILE, keyFile.toString());
        s.put(ReceiverConfig.WEB_ENABLED, "false");
        Receiver receiver = Receiver.start(ReceiverConfig.from(s), Clock.systemUTC(), List.of());
        if (!receiver.awaitReady(Duration.ofSeconds(20))) {
            receiver.close();
            throw new AssertionError("the receiver did not subscribe within 20 s");
        }
        return receiver;
    }

    /** {@code breathgate-receiver} as installed, in a JVM of its own; returns once it has connected to the broker. */
    ChildJvm startChild(Path log) throws Exception {
        long from = ChildJvm.lineCount(log);
        // Ingest only: no HTTPS port to collide with anything else on this machine (web.* are file-only settings).
        Path config = Files.writeString(dataDir.resolve("receiver.properties"), ReceiverConfig.WEB_ENABLED + " = false\n");
        ChildJvm child = ChildJvm.start("breathgate-receiver", log, ReceiverMain.class, List.of("--config", config.toString(),
                "--data-dir", dataDir.toString(),
                "--broker-uri", brokerUri, "--jdbc-url", jdbcUrl, "--receiver-key", keyFile.toString(), "--mqtt-client-id", "fault-receiver"));
        child.awaitLine(l -> l.contains("connected to") && l.contains("subscribing"), Duration.ofSeconds(30), from);
        return child;
    }
}
