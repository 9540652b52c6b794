package org.breathgate.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.it.AgentFixture;
import org.breathgate.agent.it.PowerCutAgentMain;
import org.breathgate.agent.it.TestReceiver;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TestReason;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestKeys;

/**
 * The device agent's benchmark (not a test). Run: {@code mvn -B -pl device-agent -Pbench test-compile exec:java}.
 * Prints: the signed, durable outbox append rate beside a raw SQLite commit loop with the same
 * settings (WAL, synchronous=FULL, one commit per event); the time to drain 10 000 buffered readings
 * through Mosquitto to an acking receiver; and the resident memory of that agent, run in its own JVM
 * with -Xmx48m.
 */
public final class AgentBenchmark {

    private static final int APPENDS = 2000;
    private static final int BUFFERED = 10_000;
    private static final String DEVICE = "home-bench";
    private static final int INFLIGHT = Integer.getInteger("bench.inflight", 128);

    private AgentBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("bg-bench");
        String row = signedReading(1).length() + " bytes per signed reading";
        double raw = rawSqliteCommits(dir.resolve("raw.db"), signedReading(1));
        double signed = signedAppends(dir);
        System.out.printf("outbox append: %.0f signed durable readings/s; raw SQLite commit loop: %.0f commits/s (%.0f%%), %s%n",
                signed, raw, 100 * signed / raw, row);
        drain(dir);
    }

    private static String signedReading(long seq) {
        MessageSigner signer = new MessageSigner(TestKeys.device(DEVICE));
        return signer.sign(reading(seq, new SystemClockSource(Clock.systemUTC(), () -> true).facts())).compact();
    }

    private static Reading reading(long seq, org.breathgate.protocol.ClockFacts facts) {
        return new Reading(DEVICE, seq, facts, new TestReason.OnDemand(), Outcome.PASS, new BreathAlcohol(12), new BreathAlcohol(50),
                null, 4100, 342, new SensorFacts("Breathgate Simulator", "SIM-0001", LocalDate.of(2027, 1, 1)));
    }

    private static double rawSqliteCommits(Path file, String payload) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, compact TEXT NOT NULL, stored_at INTEGER NOT NULL)");
            }
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO outbox VALUES (?,?,?,?)")) {
                for (int i = 1; i <= APPENDS; i++) {
                    insert.setLong(1, i);
                    insert.setString(2, "reading");
                    insert.setString(3, payload);
                    insert.setLong(4, System.currentTimeMillis());
                    insert.executeUpdate();
                    db.commit();
                }
            }
            return APPENDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double signedAppends(Path dir) {
        try (Outbox outbox = Outbox.open(dir.resolve("signed.db"), DEVICE, 1L << 30)) {
            EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(TestKeys.device(DEVICE)),
                    new SystemClockSource(Clock.systemUTC(), () -> true), outbox);
            for (int i = 0; i < 200; i++) { // warm-up
                recorder.record((seq, facts) -> reading(seq, facts));
            }
            long start = System.nanoTime();
            for (int i = 0; i < APPENDS; i++) {
                recorder.record((seq, facts) -> reading(seq, facts));
            }
            return APPENDS / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void drain(Path dir) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(MosquittoBroker.Options.plain().withPersistence()
                .withConfigLine("max_queued_messages 200000").withConfigLine("max_inflight_messages 0")
                .withConfigLine("set_tcp_nodelay true"));
             TestReceiver receiver = new TestReceiver(broker.uri(), DEVICE)) {
            AgentFixture.settings(dir, DEVICE, broker.uri()); // writes the key files the agent JVM loads
            Path outboxFile = dir.resolve("data-" + DEVICE).resolve("outbox.db");
            try (Outbox outbox = Outbox.open(outboxFile, DEVICE, 1L << 30)) {
                EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(TestKeys.device(DEVICE)),
                        new SystemClockSource(Clock.systemUTC(), () -> true), outbox);
                for (int i = 0; i < BUFFERED / 500; i++) {
                    List<EvidenceRecorder.EventFactory> batch = new ArrayList<>();
                    for (int j = 0; j < 500; j++) {
                        batch.add(AgentBenchmark::reading);
                    }
                    recorder.record(batch, null);
                }
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // The flags docs/agent.md recommends for the Pi's systemd unit: a small heap, the serial
            // collector and a small code cache keep a JVM's native overhead down.
            Process agent = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=48m", "-Xss512k", "-cp", classpath(),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", PowerCutAgentMain.class.getName(), dir.toString(), DEVICE,
                    broker.uri(), "drain", "mqtt.inflight=" + INFLIGHT).redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.equals("READY")) {
                    System.out.println("agent: " + line);
                }
                Instant start = Instant.now();
                long maxRss = 0;
                while (receiver.stored(DEVICE).size() < BUFFERED) {
                    maxRss = Math.max(maxRss, rssKib(agent.pid(), "VmRSS:"));
                    if (Duration.between(start, Instant.now()).toSeconds() > 120) {
                        throw new IllegalStateException("drain did not finish in 120 s: " + receiver.stored(DEVICE).size());
                    }
                    Thread.sleep(20);
                }
                Duration stored = Duration.between(start, Instant.now());
                long hwm = rssKib(agent.pid(), "VmHWM:");
                System.out.printf("drain: %d buffered readings stored and acked by the receiver in %.2f s (%.0f/s) after the agent"
                        + " JVM connected, window %d; %d duplicates%n", BUFFERED, stored.toMillis() / 1000.0, BUFFERED / (stored.toMillis() / 1000.0),
                        INFLIGHT, receiver.duplicates());
                System.out.printf("agent memory (-Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1, separate JVM): max RSS sampled %.1f MiB, peak RSS (VmHWM) %.1f MiB%n",
                        maxRss / 1024.0, hwm / 1024.0);
            } finally {
                agent.destroyForcibly();
                agent.waitFor();
            }
        }
    }

    /** exec:java runs us in Maven's JVM with the project's class loader: hand its classpath to the child JVM. */
    private static String classpath() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader instanceof java.net.URLClassLoader urls) {
            List<String> parts = new ArrayList<>();
            for (java.net.URL u : urls.getURLs()) {
                parts.add(Path.of(java.net.URI.create(u.toString())).toString());
            }
            return String.join(java.io.File.pathSeparator, parts);
        }
        return System.getProperty("java.class.path");
    }

    private static long rssKib(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith(field)) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
