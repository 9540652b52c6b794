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
import org.breathgate.hardware.sim.Scenario;
import org.breathgate.hardware.sim.SimulatedBreathalyser;
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

    private static final int APPENDS = 1000;
    private static final int ROUNDS = 5;
    private static final int BUFFERED = 10_000;
    private static final String DEVICE = "home-bench";
    private static final int INFLIGHT = Integer.getInteger("bench.inflight", 128);
    /** The agent JVM's flags: by default those of packaging/systemd/breathgate-agent.service; -Dbench.jvm="..." to compare. */
    private static final String JVM_FLAGS = System.getProperty("bench.jvm", "-Xmx16m -Xms4m -Xmn2m -Xss256k -XX:+UseSerialGC"
            + " -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=8m -XX:CICompilerCount=1 -XX:MaxMetaspaceSize=32m"
            + " -XX:CompressedClassSpaceSize=16m -XX:MaxDirectMemorySize=8m -XX:-UsePerfData -XX:+UnlockExperimentalVMOptions"
            + " -XX:TrimNativeHeapInterval=2000 -Xshare:auto");

    private AgentBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("bg-bench");
        String row = signedReading(1).length() + " bytes per signed reading";
        if (Boolean.getBoolean("bench.drainOnly")) {
            drain(dir);
            return;
        }
        // The disk is shared and its speed drifts: alternate the two loops and compare medians.
        List<Double> raws = new ArrayList<>();
        List<Double> signeds = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            raws.add(rawSqliteCommits(dir.resolve("raw-" + round + ".db"), signedReading(1)));
            signeds.add(signedAppends(dir.resolve("signed-" + round + ".db")));
        }
        double raw = median(raws);
        double signed = median(signeds);
        System.out.printf("outbox append: %.0f signed durable readings/s; raw SQLite commit loop: %.0f commits/s (%.0f%%), %s;"
                + " medians of %d alternating rounds (raw %s, signed %s)%n", signed, raw, 100 * signed / raw, row, ROUNDS, rates(raws),
                rates(signeds));
        if (Boolean.getBoolean("bench.appendOnly")) {
            return;
        }
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

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String rates(List<Double> xs) {
        return xs.stream().map(x -> String.format("%.0f", x)).collect(java.util.stream.Collectors.joining("/"));
    }

    private static double signedAppends(Path file) {
        try (Outbox outbox = Outbox.open(file, DEVICE, 1L << 30)) {
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
            java.util.Map<String, String> settings = AgentFixture.settings(dir, DEVICE, broker.uri()); // writes the key files
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
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(List.of(JVM_FLAGS.split(" +")));
            Path jar = Path.of(System.getProperty("bench.jar", Files.exists(Path.of("target/breathgate-agent.jar"))
                    ? "target/breathgate-agent.jar" : "device-agent/target/breathgate-agent.jar"));
            SimulatedBreathalyser sim = null;
            if (Files.exists(jar)) {
                // The daemon as installed: the shaded jar's `run`, with the line-protocol driver on a simulator's pty.
                sim = SimulatedBreathalyser.start(Scenario.sober(), dir.resolve("pty"));
                settings.put("sensor.port", sim.portPath());
                settings.put("mqtt.inflight", Integer.toString(INFLIGHT));
                settings.put("tick.ms", "1000");
                StringBuilder props = new StringBuilder();
                settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
                Path config = dir.resolve("agent.properties");
                Files.writeString(config, props);
                command.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-jar", jar.toString(), "run", "--config",
                        config.toString()));
                System.out.println("agent: " + jar + " run (shaded jar, line driver on a simulator pty)");
            } else {
                command.addAll(List.of("-cp", classpath(), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", PowerCutAgentMain.class.getName(),
                        dir.toString(), DEVICE, broker.uri(), "drain", "mqtt.inflight=" + INFLIGHT));
                System.out.println("agent: PowerCutAgentMain on the test class path (no shaded jar at " + jar + ")");
            }
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            // Environment for the agent JVM, e.g. -Dbench.env=MALLOC_ARENA_MAX=2 (as the systemd unit sets it).
            for (String kv : System.getProperty("bench.env", "MALLOC_ARENA_MAX=2").split(",")) {
                if (kv.contains("=")) {
                    pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            System.out.println("agent environment: " + System.getProperty("bench.env", "MALLOC_ARENA_MAX=2"));
            Process agent = pb.start();
            boolean daemon = sim != null;
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
                String line;
                if (!daemon) {
                    while ((line = out.readLine()) != null && !line.equals("READY")) {
                        System.out.println("agent: " + line);
                    }
                } else {
                    Thread drainer = new Thread(() -> {
                        try {
                            String l;
                            while ((l = out.readLine()) != null) {
                                System.out.println("agent: " + l);
                            }
                        } catch (IOException e) {
                            // gone
                        }
                    });
                    drainer.setDaemon(true);
                    drainer.start();
                }
                Instant start = Instant.now();
                long maxRss = 0;
                while (receiver.stored(DEVICE).size() < BUFFERED) { // (plus a status or sensor event, perhaps)
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
                System.out.printf("agent memory (%s, separate JVM): max RSS sampled %.1f MiB, peak RSS (VmHWM) %.1f MiB%n",
                        JVM_FLAGS, maxRss / 1024.0, hwm / 1024.0);
                if (Boolean.getBoolean("bench.nmt")) {
                    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            Long.toString(agent.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
                    System.out.println(new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            } finally {
                agent.destroyForcibly();
                agent.waitFor();
                if (sim != null) {
                    sim.close();
                }
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
