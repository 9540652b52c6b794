package org.breathgate.receiver.app.bench;

import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.ingest.broker.EmbeddedMqttBroker;
import org.breathgate.testkit.LightMqtt;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.PostgresServer;
import org.breathgate.testkit.TestKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Receiver ingest throughput against the broker's own raw rate, measured in the same run.
 *
 * <p>Many simulated devices ({@link BenchFleet}: each its own connection and key) publish real signed
 * readings at QoS 1, a window of publishes in flight each. For each broker (Debian's Mosquitto, then
 * the receiver's embedded HiveMQ):
 * <ol>
 *   <li><b>raw</b>: plain subscribers in the receivers' shared subscription, PUBACKing at once and
 *       doing nothing else; time from the first publish to the last delivery. Run with one client
 *       (one I/O thread: the devices' connections and one subscriber) and then with two independent
 *       clients (two I/O threads, the devices split between them, two subscribers in the group). If the
 *       second client does not raise the rate, the client is not the bottleneck and the figure is the
 *       broker's; the baseline is the higher of the two.</li>
 *   <li><b>receiver</b>: readings verified, stored durably, PUBACKed after the commit and acked back to
 *       each device with a signed ack; time from the first publish until every device holds an ack
 *       for every reading. Fails if the store does not hold exactly the readings sent or an ack's
 *       signature is bad.</li>
 * </ol>
 *
 * <p>Arguments: devices, readings per device, window per device (default 50 200 20). Prints
 * {@code RESULT} lines that {@code bin/benchmarks} reads.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    /**
     * Messages the embedded broker queues for one client, in the raw runs and the receiver's alike: a raw run publishes
     * three rounds at once (30 000 by default), more than the receiver's default of 20 000, beyond which HiveMQ discards
     * (as Mosquitto's {@code max_queued_messages 1000000} here).
     */
    static final long HIVEMQ_QUEUE = 1_000_000;

    /** The raw runs publish every reading this many times: a raw run is fast, and a longer one is steadier. */
    static final int RAW_ROUNDS = 3;
    /** The untimed warm-up of each receiver: {@value #WARM_DEVICES} devices publish rounds of {@value #WARM_ROUND} readings each. */
    private static final int WARM_DEVICES = 10;
    private static final int WARM_ROUND = 300;
    /**
     * The warm-up lasts at least this long and ends when a round's rate is within {@value #WARM_STEADY_PERCENT} % of the round
     * before. Measured: the JIT's compiler thread still took a third of a core 15 s into a receiver's work (it compiles the
     * code a batch runs, not a reading, last), which a shorter warm-up left in the timed run.
     */
    private static final Duration WARM_MIN_TIME = Duration.ofSeconds(Long.getLong("bench.warmup.s", 30));
    private static final int WARM_MIN_ROUNDS = 3;
    private static final int WARM_MAX_ROUNDS = 200;
    private static final int WARM_STEADY_PERCENT = 10;

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int perDevice = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int total = devices * perDevice;
        List<BenchFleet.Device> signed = BenchFleet.sign("bench", devices, perDevice);
        System.out.printf("Receiver ingest benchmark: %d devices x %d readings = %d messages of %d bytes (signed JWS), QoS 1, "
                + "window %d per device, %d cores%n", devices, perDevice, total, signed.get(0).readings().get(0).length, window,
                Runtime.getRuntime().availableProcessors());

        ceiling = verificationCeiling(signed);
        System.out.printf("RESULT verify_ceiling rate=%.0f cores=%d%n", ceiling, Runtime.getRuntime().availableProcessors());
        Path work = Files.createTempDirectory("breathgate-bench-");
        String only = System.getProperty("bench.only", ""); // mosquitto or hivemq: one broker only, while working on it
        List<String> ids = new ArrayList<>();
        signed.forEach(d -> ids.add(d.id()));
        ids.addAll(warmUpIds());
        BenchLogins logins = new BenchLogins().add(ids);
        try {
            if (!only.equals("hivemq")) {
                MosquittoBroker.Options options = logins.mosquitto(MosquittoBroker.Options.plain()
                        .withConfigLine("max_queued_messages 1000000")
                        .withConfigLine("max_inflight_messages 200"));
                try (MosquittoBroker broker = MosquittoBroker.start(options)) {
                    Login receiver = new Login(BenchLogins.RECEIVER, logins.receiverPassword());
                    double raw = rawBaseline("mosquitto", broker.uri(), signed, window, receiver, logins.forDevices());
                    double sqlite = receiverRate("mosquitto-sqlite", broker.uri(), "jdbc:sqlite:" + work.resolve("bench.db"), work, signed,
                            window, null, logins);
                    result("mosquitto_sqlite", sqlite, raw);
                    try (PostgresServer postgres = PostgresServer.start(true)) {
                        double pg = receiverRate("mosquitto-postgres", broker.uri(), postgres.createDatabase(), work, signed, window, null,
                                logins);
                        result("mosquitto_postgres", pg, raw);
                    }
                }
            }
            if (only.equals("mosquitto")) {
                return;
            }
            int port = Ports.free();
            String uri = "tcp://127.0.0.1:" + port;
            double raw;
            try (EmbeddedMqttBroker hivemq = EmbeddedMqttBroker.start(new EmbeddedMqttBroker.Settings(
                    Files.createDirectories(work.resolve("hivemq-raw")), "127.0.0.1", port, null, 0, null,
                    EmbeddedMqttBroker.Settings.DEFAULT_MAX_PACKET_BYTES, HIVEMQ_QUEUE), logins.deviceLogins())) {
                raw = rawBaseline("hivemq", uri, signed, window, new Login(EmbeddedMqttBroker.RECEIVER_USERNAME, hivemq.receiverPassword()),
                        logins.forDevices());
            }
            double embedded = receiverRate("hivemq-sqlite", uri, "jdbc:sqlite:" + work.resolve("embedded.db"), work, signed, window, port,
                    null);
            result("hivemq_sqlite", embedded, raw);
        } catch (Throwable failed) {
            failed.printStackTrace();
            System.exit(1);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0); // HiveMQ leaves threads behind
    }

    /** The verification ceiling measured at the start of this run ({@link #verificationCeiling}). */
    private static double ceiling;

    private static void result(String name, double rate, double raw) {
        System.out.printf("RESULT ingest_%s rate=%.0f raw=%.0f ratio=%.2f of_ceiling=%.2f%n", name, rate, raw, rate / raw, rate / ceiling);
    }

    /**
     * The broker's raw rate: one client (one I/O thread for the devices and the subscriber); two
     * clients (the devices split over two I/O threads, still one subscriber, as the receiver has one
     * connection); two subscribers in the group, each on its own client; one client again (the
     * better of the two one-client runs counts). Prints the three figures and
     * returns the highest: the baseline is the broker's best, whatever carried it.
     */
    static double rawBaseline(String broker, String uri, List<BenchFleet.Device> signed, int window, Login subscriber,
                              Function<String, String[]> devices) throws Exception {
        rawRate(uri, signed, window, 1, 1, subscriber, devices); // warm-up: the broker's and this JVM's first contact
        double one = rawRate(uri, signed, window, 1, 1, subscriber, devices);
        double two = rawRate(uri, signed, window, 2, 1, subscriber, devices);
        double twoSubscribers = rawRate(uri, signed, window, 2, 2, subscriber, devices);
        // one client again: a broker still warming up (HiveMQ's JIT runs in this JVM) would make the second look faster
        one = Math.max(one, rawRate(uri, signed, window, 1, 1, subscriber, devices));
        System.out.printf("RESULT raw_%s one_client=%.0f two_clients=%.0f two_subscribers=%.0f second_client_gain=%.2f%n", broker, one, two,
                twoSubscribers, two / one);
        return Math.max(one, Math.max(two, twoSubscribers));
    }

    /**
     * Publish → shared-subscription delivery, messages per second: the devices split over
     * {@code clients} independent clients (each its own I/O thread), {@code subscribers} of them
     * also holding a subscriber in the receivers' group.
     */
    static double rawRate(String uri, List<BenchFleet.Device> signed, int window, int clients, int subscriberCount, Login login,
                          Function<String, String[]> devices) throws Exception {
        int total = RAW_ROUNDS * signed.stream().mapToInt(d -> d.readings().size()).sum();
        AtomicLong received = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong();
        List<LightMqtt> mqtts = new ArrayList<>();
        List<BenchFleet> fleets = new ArrayList<>();
        List<LightMqtt.Connection> subscribers = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                LightMqtt mqtt = LightMqtt.start(1, "raw-" + c);
                mqtts.add(mqtt);
                if (c >= subscriberCount) {
                    fleets.add(new BenchFleet(mqtt, uri, shareOf(signed, c, clients), window, false, 8, devices));
                    continue;
                }
                LightMqtt.Connection subscriber = mqtt.connect(uri, "raw-subscriber-" + c, login.user(), login.password(), true, new LightMqtt.Listener() {
                    @Override
                    public void message(LightMqtt.Connection connection, String topic, byte[] payload) {
                        received.incrementAndGet();
                        lastNanos.set(System.nanoTime());
                    }
                });
                subscriber.subscribe(Topics.RECEIVER_SHARED_SUBSCRIPTION);
                subscribers.add(subscriber);
                fleets.add(new BenchFleet(mqtt, uri, shareOf(signed, c, clients), window, false, 8, devices));
            }
            Thread.sleep(300); // the SUBACKs
            long start = System.nanoTime();
            for (int round = 0; round < RAW_ROUNDS; round++) {
                fleets.forEach(BenchFleet::publishAll); // queued; each device's window paces them
            }
            long deadline = start + TimeUnit.MINUTES.toNanos(5);
            while (received.get() < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw run: only " + received.get() + " of " + total + " delivered");
                }
                Thread.sleep(1);
            }
            double rate = total / ((lastNanos.get() - start) / 1e9);
            System.out.printf("  raw, %d client(s), %d subscriber(s): %,.0f msg/s%n", clients, subscriberCount, rate);
            return rate;
        } finally {
            fleets.forEach(BenchFleet::close);
            subscribers.forEach(LightMqtt.Connection::close);
            Thread.sleep(200);
            mqtts.forEach(LightMqtt::close);
        }
    }

    /**
     * Untimed: readings of other devices through the same receiver, in rounds, until the rate is steady, so that the timed run
     * measures the receiver and not the JIT compiling it. Returns the readings it stored.
     */
    private static int warmUp(String name, Receiver receiver, String uri, LightMqtt mqtt, int window, Function<String, String[]> devices)
            throws Exception {
        List<BenchFleet.Device> warm = BenchFleet.sign("warm", WARM_DEVICES, WARM_ROUND);
        for (BenchFleet.Device device : warm) {
            receiver.registry().enroll(TestKeys.device(device.id()).verificationKey());
        }
        try (BenchFleet fleet = new BenchFleet(mqtt, uri, warm, window, true, 4, devices)) {
            Thread.sleep(300);
            double previous = 0;
            List<String> rates = new ArrayList<>();
            int round = 0;
            long warmStart = System.nanoTime();
            while (round < WARM_MAX_ROUNDS) {
                BenchFleet.extend(warm, (round + 1) * WARM_ROUND);
                long start = System.nanoTime();
                fleet.publishRange(round * WARM_ROUND + 1, (round + 1) * WARM_ROUND);
                round++;
                long target = (long) round * WARM_ROUND * WARM_DEVICES;
                long deadline = start + TimeUnit.MINUTES.toNanos(5);
                while (fleet.ackedReadings() < target) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": the warm-up was not acked (" + fleet.ackedReadings() + " of " + target + ")");
                    }
                    Thread.sleep(1);
                }
                double rate = WARM_ROUND * WARM_DEVICES / ((System.nanoTime() - start) / 1e9);
                rates.add("%,.0f".formatted(rate));
                boolean longEnough = System.nanoTime() - warmStart >= WARM_MIN_TIME.toNanos();
                if (round >= WARM_MIN_ROUNDS && longEnough && Math.abs(rate - previous) <= previous * WARM_STEADY_PERCENT / 100.0) {
                    break;
                }
                previous = rate;
            }
            System.out.printf("  %s: warm-up %d rounds of %d readings in %.0f s, /s: %s%n", name, round, WARM_ROUND * WARM_DEVICES,
                    (System.nanoTime() - warmStart) / 1e9, rates.size() <= 8 ? String.join(", ", rates)
                            : String.join(", ", rates.subList(0, 3)) + ", …, " + String.join(", ", rates.subList(rates.size() - 3, rates.size())));
            return round * WARM_ROUND * WARM_DEVICES;
        }
    }

    /**
     * The machine's ceiling for any receiver that verifies every reading: every core doing nothing but the receiver's own
     * parse-and-verify ({@link MessageVerifier}) of the benchmark's readings, with no broker, database or acks. Readings per
     * second in passes of two seconds until a pass is within 5 % of the one before (the JIT), the last pass counting.
     */
    static double verificationCeiling(List<BenchFleet.Device> signed) throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, MessageVerifier> verifiers = new HashMap<>();
        for (BenchFleet.Device device : signed) {
            verifiers.put(device.id(), new MessageVerifier(KeyResolver.of(TestKeys.device(device.id()).verificationKey())));
        }
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        try {
            double previous = 0;
            double rate = 0;
            List<String> passes = new ArrayList<>();
            for (int pass = 1; pass <= 8; pass++) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                List<Future<Long>> counts = new ArrayList<>();
                long start = System.nanoTime();
                for (int t = 0; t < cores; t++) {
                    int first = t;
                    counts.add(pool.submit(() -> {
                        long n = 0;
                        for (int i = first; System.nanoTime() < until; i = (i + 1) % signed.size()) {
                            BenchFleet.Device device = signed.get(i);
                            MessageVerifier verifier = verifiers.get(device.id());
                            for (byte[] reading : device.readings().subList(0, Math.min(20, device.readings().size()))) {
                                verifier.verify(reading, device.id());
                                n++;
                            }
                        }
                        return n;
                    }));
                }
                long total = 0;
                for (Future<Long> count : counts) {
                    total += count.get();
                }
                rate = total / ((System.nanoTime() - start) / 1e9);
                passes.add("%,.0f".formatted(rate));
                if (pass >= 3 && Math.abs(rate - previous) <= previous * 0.05) {
                    break;
                }
                previous = rate;
            }
            System.out.printf("  verification ceiling: %,.0f readings/s on %d cores (parse and verify only; passes: %s)%n", rate, cores,
                    String.join(", ", passes));
            return rate;
        } finally {
            pool.shutdown();
        }
    }

    /** Each device's login made by the receiver's registry when asked, as enrollment makes one (the device must be enrolled). */
    private static Function<String, String[]> registryLogins(Receiver receiver) {
        return id -> new String[]{id, receiver.brokerLogins().issue(id, "benchmark").password()};
    }

    /** The warm-up's devices, as {@link #warmUp} signs them. */
    private static List<String> warmUpIds() {
        List<String> ids = new ArrayList<>();
        for (int d = 1; d <= WARM_DEVICES; d++) {
            ids.add("warm-%05d".formatted(d));
        }
        return ids;
    }

    /** A receiver's (or a raw subscriber's) broker login. */
    record Login(String user, String password) {
    }

    private static List<BenchFleet.Device> shareOf(List<BenchFleet.Device> signed, int client, int clients) {
        List<BenchFleet.Device> share = new ArrayList<>();
        for (int d = client; d < signed.size(); d += clients) {
            share.add(signed.get(d));
        }
        return share;
    }

    /**
     * Readings verified, stored and acked per second by a receiver in this JVM.
     *
     * @param embeddedPort null: the external broker at {@code uri}; else the receiver runs its embedded broker on it
     * @param logins       the external broker's logins (the receiver's and the devices'); null with the embedded broker,
     *                     whose devices get their logins from the receiver's registry, as at enrollment
     */
    static double receiverRate(String name, String uri, String jdbcUrl, Path work, List<BenchFleet.Device> signed, int window,
                               Integer embeddedPort, BenchLogins logins) throws Exception {
        int total = signed.stream().mapToInt(d -> d.readings().size()).sum();
        Path dataDir = Files.createDirectories(work.resolve(name));
        Map<String, String> settings = new HashMap<>(Map.of(ReceiverConfig.DATA_DIR, dataDir.toString(), ReceiverConfig.JDBC_URL, jdbcUrl,
                ReceiverConfig.MQTT_CLIENT_ID, "bench-receiver", ReceiverConfig.WEB_ENABLED, "false"));
        // one client id: a second id would leave the first one's persistent session in the shared group
        if (embeddedPort == null) {
            settings.put(ReceiverConfig.BROKER_URI, uri);
            settings.put(ReceiverConfig.BROKER_DEVICE_LOGINS, "manual");
            settings.put(ReceiverConfig.MQTT_USERNAME, BenchLogins.RECEIVER);
            settings.put(ReceiverConfig.MQTT_PASSWORD_FILE, logins.receiverPasswordFile(dataDir).toString());
        } else {
            // devices on the loopback listener, as the receiver: LightMqtt speaks no TLS (the TLS listener is switched off)
            settings.put(ReceiverConfig.EMBEDDED_BIND, "127.0.0.1");
            settings.put(ReceiverConfig.EMBEDDED_PORT, String.valueOf(embeddedPort));
            settings.put(ReceiverConfig.EMBEDDED_TLS_ENABLED, "false");
            settings.put(ReceiverConfig.EMBEDDED_MAX_QUEUED_MESSAGES, String.valueOf(HIVEMQ_QUEUE));
        }
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of());
             LightMqtt mqtt = LightMqtt.start(1, name)) {
            if (!receiver.awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException(name + ": the receiver did not subscribe");
            }
            for (BenchFleet.Device device : signed) {
                receiver.registry().enroll(TestKeys.device(device.id()).verificationKey());
            }
            Function<String, String[]> devices = logins != null ? logins.forDevices() : registryLogins(receiver);
            int warmed = warmUp(name, receiver, uri, mqtt, window, devices);
            try (BenchFleet fleet = new BenchFleet(mqtt, uri, signed, window, true, 8, devices)) {
                Thread.sleep(300); // the SUBACKs
                long start = System.nanoTime();
                fleet.publishAll();
                long stored = 0;
                long deadline = start + TimeUnit.MINUTES.toNanos(10);
                while (fleet.ackedReadings() < total) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(name + ": not all acked (" + fleet.ackedReadings() + " of " + total + "); "
                                + receiver.stats() + "; closed: " + fleet.closedUnexpectedly());
                    }
                    if (stored == 0 && receiver.stats().stored() >= total + warmed) {
                        stored = System.nanoTime();
                    }
                    Thread.sleep(1);
                }
                long acked = System.nanoTime();
                double seconds = (acked - start) / 1e9;
                int badSignatures = fleet.verifyAcks(receiver.receiverKey());
                long rows = EvidenceCount.distinctReadings(receiver.database());
                System.out.printf("  %s: all stored at %.2f s, all acked at %.2f s; %s%n", name,
                        ((stored == 0 ? acked : stored) - start) / 1e9, seconds, receiver.stats());
                if (receiver.stats().stored() != total + warmed || rows != total + warmed || badSignatures != 0 || fleet.badAcks() != 0) {
                    throw new IllegalStateException(name + ": expected " + total + " stored once and good acks, got " + receiver.stats()
                            + ", " + rows + " rows, " + badSignatures + " bad signatures, " + fleet.badAcks() + " bad acks");
                }
                return total / seconds;
            }
        }
    }
}
