package org.breathgate.receiver.app.bench;

import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.app.FakeDevice;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.PostgresServer;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Receiver ingest throughput against the raw broker rate, through a real Mosquitto on loopback.
 *
 * <p>Many simulated devices publish pre-signed readings (QoS 1). First the raw rate: one plain
 * Paho subscriber on the receivers' shared subscription, auto-acking. Then the receiver, with SQLite
 * ({@code synchronous=FULL}) and with PostgreSQL (fsync on): readings verified, stored, and acked
 * back to the devices, timed until the last device has its last ack.
 *
 * <p>Run: {@code mvn -B -q -pl cloud-receiver -Pbench test-compile exec:java}; arguments (with
 * {@code -Dexec.args="..."}): devices, readings per device, broker inflight window (default 50 200 200).
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int perDevice = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int inflight = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int total = devices * perDevice;
        System.out.printf("Receiver ingest benchmark: %d devices x %d readings = %d messages, Mosquitto max_inflight_messages %d, %d cores%n",
                devices, perDevice, total, inflight, Runtime.getRuntime().availableProcessors());

        List<String> ids = new ArrayList<>();
        List<List<byte[]>> signed = new ArrayList<>();
        for (int d = 1; d <= devices; d++) {
            String id = "bench-%05d".formatted(d);
            ids.add(id);
            SampleMessages samples = SampleMessages.of(id);
            List<byte[]> readings = new ArrayList<>();
            for (int seq = 1; seq <= perDevice; seq++) {
                readings.add(samples.sign(samples.soberReading(seq)).bytes());
            }
            signed.add(readings);
        }
        System.out.printf("payload: %d bytes per reading (signed JWS)%n", signed.get(0).get(0).length);

        MosquittoBroker.Options options = MosquittoBroker.Options.plain()
                .withConfigLine("max_queued_messages 1000000")
                .withConfigLine("max_inflight_messages " + inflight);
        Path work = Files.createTempDirectory("breathgate-bench-");
        try (MosquittoBroker broker = MosquittoBroker.start(options)) {
            double raw = rawRate(broker, ids, signed, total);
            System.out.printf("raw QoS 1 publish -> shared-subscription delivery: %,.0f msg/s%n", raw);

            double sqlite = receiverRate(broker, "jdbc:sqlite:" + work.resolve("bench.db"), work, ids, signed, total, "sqlite");
            System.out.printf("receiver, SQLite (WAL, synchronous=FULL): %,.0f readings verified+stored+acked/s (%.0f%% of raw)%n",
                    sqlite, 100 * sqlite / raw);

            try (PostgresServer postgres = PostgresServer.start(true)) {
                double pg = receiverRate(broker, postgres.createDatabase(), work, ids, signed, total, "postgres");
                System.out.printf("receiver, PostgreSQL %s (fsync on): %,.0f readings verified+stored+acked/s (%.0f%% of raw)%n",
                        "15", pg, 100 * pg / raw);
            }
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static double rawRate(MosquittoBroker broker, List<String> ids, List<List<byte[]>> signed, int total) throws Exception {
        CountDownLatch received = new CountDownLatch(total);
        MqttClient subscriber = new MqttClient(broker.uri(), "raw-subscriber", new MemoryPersistence());
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.countDown();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        subscriber.connect(options);
        subscriber.subscribe(Topics.RECEIVER_SHARED_SUBSCRIPTION, 1);
        List<FakeDevice> fleet = connect(broker, ids, TestKeys.receiver().verificationKey());
        long start = System.nanoTime();
        publishAll(fleet, ids, signed);
        System.out.printf("  raw: published in %.2f s%n", (System.nanoTime() - start) / 1e9);
        if (!received.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("raw run: " + received.getCount() + " messages never arrived");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        closeAll(fleet);
        subscriber.disconnect();
        subscriber.close();
        return total / seconds;
    }

    private static double receiverRate(MosquittoBroker broker, String jdbcUrl, Path work, List<String> ids, List<List<byte[]>> signed,
                                       int total, String name) throws Exception {
        Path dataDir = Files.createDirectories(work.resolve(name));
        ReceiverConfig config = ReceiverConfig.from(Map.of(ReceiverConfig.DATA_DIR, dataDir.toString(),
                ReceiverConfig.BROKER_URI, broker.uri(), ReceiverConfig.JDBC_URL, jdbcUrl,
                ReceiverConfig.MQTT_CLIENT_ID, "bench-receiver", ReceiverConfig.WEB_ENABLED, "false"));  // one id: a second id would leave the first one's persistent session in the shared group
        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            if (!receiver.awaitReady(java.time.Duration.ofSeconds(30))) {
                throw new IllegalStateException("receiver did not subscribe");
            }
            for (String id : ids) {
                receiver.registry().enroll(TestKeys.device(id).verificationKey());
            }
            List<FakeDevice> fleet = connect(broker, ids, receiver.receiverKey());
            long start = System.nanoTime();
            publishAll(fleet, ids, signed);
            long published = System.nanoTime();
            long stored = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (fleet.stream().mapToInt(FakeDevice::ackedCount).sum() < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": not all acked; " + receiver.stats());
                }
                if (stored == 0 && receiver.stats().stored() == total) {
                    stored = System.nanoTime();
                }
                Thread.sleep(1);
            }
            long acked = System.nanoTime();
            double seconds = (acked - start) / 1e9;
            System.out.printf("  %s: published in %.2f s, all stored at %.2f s, all acked at %.2f s%n", name, (published - start) / 1e9,
                    ((stored == 0 ? acked : stored) - start) / 1e9, seconds);
            int bad = fleet.stream().mapToInt(d -> d.badAcks() + d.verifyReceivedAcks()).sum();
            closeAll(fleet);
            if (receiver.stats().stored() != total || bad != 0) {
                throw new IllegalStateException(name + ": expected " + total + " stored and no bad acks, got " + receiver.stats()
                        + ", bad acks " + bad);
            }
            System.out.printf("  %s: %s%n", name, receiver.stats());
            return total / seconds;
        }
    }

    private static List<FakeDevice> connect(MosquittoBroker broker, List<String> ids,
                                            org.breathgate.protocol.VerificationKey receiverKey) throws Exception {
        List<FakeDevice> fleet = new ArrayList<>();
        for (String id : ids) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            fleet.add(new FakeDevice(broker.uri(), TestKeys.device(id), receiverKey, options, false));
        }
        return fleet;
    }

    /** Round-robin over devices, as a fleet would send: each device's readings in order. */
    private static void publishAll(List<FakeDevice> fleet, List<String> ids, List<List<byte[]>> signed) throws Exception {
        int perDevice = signed.get(0).size();
        for (int seq = 0; seq < perDevice; seq++) {
            for (int d = 0; d < fleet.size(); d++) {
                fleet.get(d).publishAsync(Topics.uplink(ids.get(d), MessageType.READING), signed.get(d).get(seq));
            }
        }
    }

    private static void closeAll(List<FakeDevice> fleet) throws Exception {
        for (FakeDevice device : fleet) {
            device.close();
        }
    }
}
