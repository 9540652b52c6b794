package org.breathgate.receiver.app;

import org.breathgate.receiver.evidence.db.TestDatabases;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.TestReason;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The care workflow as wired into a running receiver: signed readings arrive over MQTT (embedded
 * broker), become alerts in the worker's inbox, a schedule reaches the device as a retained signed
 * configuration, and {@code audit-verify} checks the resulting audit log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverCareIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Actor WORKER = Actor.substanceAbuseWorker("worker-sa", "sa-1");
    private static final String DEVICE = "home-0001";

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @Test
    void a_confirmed_positive_over_mqtt_alerts_the_worker_once_and_a_schedule_reaches_the_device_signed_and_retained()
            throws Exception {
        Path dataDir = databases.newFolder();
        String jdbcUrl = databases.newUrl(Database.Dialect.SQLITE);
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, dataDir.toString());
        settings.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0"); // devices' TLS listener on a free port
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "care-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        settings.put(ReceiverConfig.RETENTION_RESULTS_AFTER_CASE_CLOSED, "P2Y");

        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            assertTrue(receiver.awaitReady(WAIT), "receiver did not subscribe");
            Instant lent = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
            Database database = receiver.database();
            new Organisations(database).add(new Organisation("sa-1", "Substance-abuse service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Clients(database).add(Client.open("client-a", "Parent A", "sa-1"), lent);
            new DeviceAssignments(database).assign(DEVICE, "client-a", lent);
            receiver.registry().enroll(TestKeys.device(DEVICE).verificationKey());

            Instant positiveAt = Instant.now().minus(Duration.ofMinutes(22)).truncatedTo(ChronoUnit.SECONDS);
            SampleMessages first = SampleMessages.of(DEVICE).at(positiveAt);
            SampleMessages retest = SampleMessages.of(DEVICE).at(positiveAt.plus(Duration.ofMinutes(21)));
            Reading template = retest.positiveReading(2);
            Reading failedRetest = new Reading(DEVICE, 2, template.clock(), new TestReason.Retest(1, 1, 1), Outcome.FAIL,
                    SampleMessages.POSITIVE_VALUE, SampleMessages.THRESHOLD, null, 4_300, 217, template.sensor());
            try (FakeDevice device = FakeDevice.loggedIn(receiver, TestKeys.device(DEVICE))) {
                device.send(first.positiveReading(1));
                assertEquals(new Ack.Entry(1, Ack.Result.STORED, null), device.nextAck(WAIT));
                device.send(failedRetest);
                assertEquals(new Ack.Entry(2, Ack.Result.STORED, null), device.nextAck(WAIT));
            }
            receiver.awaitCareIdle(WAIT);

            List<Alert> inbox = receiver.care().alerts().alertsFor(WORKER);
            assertEquals(1, inbox.size(), inbox.toString());
            assertEquals(AlertKind.CONFIRMED_POSITIVE, inbox.get(0).kind(), inbox.toString());
            assertEquals("client-a", inbox.get(0).clientId());

            Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(Schedule.Slot.at(LocalTime.of(8, 0))));
            SignedMessage published = receiver.care().schedules().set(WORKER, "client-a", schedule);

            // A device subscribing afterwards gets the configuration (retained) and can verify it with the receiver's key.
            BlockingQueue<byte[]> configs = new ArrayBlockingQueue<>(4);
            // It logs in as the device: the broker lets only the device itself read its downlink.
            MqttClient subscriber = new MqttClient(receiver.brokerUri(), DEVICE, new MemoryPersistence());
            try {
                MqttConnectOptions options = FakeDevice.login(receiver, DEVICE);
                options.setCleanSession(true);
                subscriber.connect(options);
                subscriber.subscribe(Topics.downlink(DEVICE, MessageType.CONFIG), 1, (topic, message) -> {
                    assertTrue(message.isRetained(), "the configuration must be retained");
                    configs.add(message.getPayload());
                });
                byte[] payload = configs.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull(payload, "no retained configuration on " + Topics.downlink(DEVICE, MessageType.CONFIG));
                SignedMessage verified = new MessageVerifier(KeyResolver.of(receiver.receiverKey())).verify(payload, KeyId.RECEIVER);
                ConfigUpdate update = (ConfigUpdate) verified.message();
                assertEquals(DEVICE, update.deviceId());
                assertEquals(1, update.version());
                assertEquals(schedule, update.schedule());
                assertEquals(published.compact(), verified.compact());
            } finally {
                if (subscriber.isConnected()) {
                    subscriber.disconnect();
                }
                subscriber.close();
            }
        }

        // The receiver is stopped; audit-verify reads the same database and anchors file.
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine commandLine = new picocli.CommandLine(new ReceiverMain());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute("--data-dir", dataDir.toString(), "--jdbc-url", jdbcUrl, "audit-verify");
        assertEquals(0, code, out + " " + err);
        assertTrue(out.toString().startsWith("OK "), out.toString());
    }
}
