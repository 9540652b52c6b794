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
import java.util.Map;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.it.AgentFixture;
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
import org.breathgate.testkit.InstalledAgent;
import org.breathgate.testkit.MosquittoBroker;
import org.breathgate.testkit.TestKeys;

/**
 * The device agent's benchmark (not a test). Run: {@code mvn -B -pl device-agent -Pbench test-compile exec:java}.
 * Prints: the signed, durable outbox append rate beside a raw SQLite commit loop with the same
 * settings (WAL, synchronous=FULL, one commit per event); the time to drain 10 000 buffered readings
 * through Mosquitto to an acking receiver; and the resident memory of that agent, installed by
 * packaging/install.sh into a folder and run with the systemd unit's own command line ({@link InstalledAgent}).
 * {@code -Dbench.nmt=true} adds Native Memory Tracking and prints its summary and the resident set by mapping
 * (/proc/PID/smaps) at the end of the drain.
 */
public final class AgentBenchmark {

    private static final int APPENDS = 1000;
    private static final int ROUNDS = 5;
    private static final int BUFFERED = 10_000;
    private static final String DEVICE = "home-bench";
    private static final int INFLIGHT = Integer.getInteger("bench.inflight", 128);
    /** JVM flags added after the unit's (later flags win), e.g. -Dbench.jvm.add="-Xmx12m", to compare. */
    private static final String JVM_ADD = System.getProperty("bench.jvm.add", "");
    /** Unit flags left out (by prefix, comma-separated), e.g. -Dbench.jvm.drop=-XX:SharedArchiveFile, to compare. */
    private static final List<String> JVM_DROP = java.util.Arrays.stream(System.getProperty("bench.jvm.drop", "").split(","))
            .filter(x -> !x.isBlank()).toList();

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
            Map<String, String> settings = AgentFixture.settings(dir, DEVICE, broker.uri()); // writes the key files
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
            // The daemon as installed: its package unpacked into a folder by install.sh (jar, native libraries, the class-data-sharing archive made
            // by this machine's java), then the systemd unit's own command line, with the line driver on a simulator's pty.
            Path jar = Path.of(System.getProperty("bench.jar", Files.exists(Path.of("target/breathgate-agent.jar"))
                    ? "target/breathgate-agent.jar" : "device-agent/target/breathgate-agent.jar")).toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException("no shaded agent jar at " + jar + ": build it (mvn -B -pl device-agent -am package -DskipTests)"
                        + " or give -Dbench.jar=PATH");
            }
            InstalledAgent installed = InstalledAgent.install(repositoryRoot(), InstalledAgent.debBeside(jar), dir.resolve("installed"), hostArch(), Map.of());
            SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.sober(), dir.resolve("pty"));
            settings.put("sensor.port", sim.portPath());
            settings.put("mqtt.inflight", Integer.toString(INFLIGHT));
            settings.put("tick.ms", "1000");
            StringBuilder props = new StringBuilder();
            settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
            Path config = dir.resolve("agent.properties");
            Files.writeString(config, props);
            List<String> extra = new ArrayList<>(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
            if (!JVM_ADD.isBlank()) {
                extra.addAll(List.of(JVM_ADD.strip().split(" +")));
            }
            if (Boolean.getBoolean("bench.nmt")) {
                extra.add("-XX:NativeMemoryTracking=summary");
            }
            List<String> command = new ArrayList<>();
            for (String word : installed.command(List.of("java"), config, extra)) {
                if (JVM_DROP.stream().noneMatch(word::startsWith)) {
                    command.add(word);
                }
            }
            String flags = String.join(" ", command.subList(1, command.indexOf("-jar"))).replace(installed.destdir().toString(), "");
            System.out.println("agent: packaging/install.sh into a folder, then the unit's command line: java " + flags
                    + " -jar breathgate-agent.jar run (line driver on a simulator pty)");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            Map<String, String> environment = new java.util.LinkedHashMap<>(installed.environment());
            for (String kv : System.getProperty("bench.env", "").split(",")) { // e.g. -Dbench.env=MALLOC_ARENA_MAX=1, to compare
                if (kv.contains("=")) {
                    environment.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            pb.environment().putAll(environment);
            System.out.println("agent environment (the unit's): " + environment);
            Process agent = pb.start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
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
                Instant start = Instant.now();
                long maxRss = 0;
                String atMax = "";
                while (receiver.stored(DEVICE).size() < BUFFERED) { // (plus a status or sensor event, perhaps)
                    long rss = rssKib(agent.pid(), "VmRSS:");
                    if (rss > maxRss) {
                        maxRss = rss;
                        atMax = String.format("anonymous %.1f MiB, files %.1f MiB", rssKib(agent.pid(), "RssAnon:") / 1024.0,
                                rssKib(agent.pid(), "RssFile:") / 1024.0);
                    }
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
                System.out.printf("agent memory (the unit's flags, separate JVM): max RSS sampled %.1f MiB (%s), peak RSS (VmHWM) %.1f MiB%n",
                        maxRss / 1024.0, atMax, hwm / 1024.0);
                if (Boolean.getBoolean("bench.nmt")) {
                    System.out.println("resident by mapping at the end of the drain (KiB):");
                    smaps(agent.pid()).forEach((k, v) -> System.out.printf("  %8d  %s%n", v, k));
                    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            Long.toString(agent.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
                    System.out.println(new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
            } finally {
                agent.destroyForcibly();
                agent.waitFor();
                sim.close();
            }
        }
    }

    /** The checkout: the nearest folder up from here with packaging/install.sh. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("packaging/install.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("run from the checkout or a module of it: no packaging/install.sh above " + Path.of("").toAbsolutePath());
    }

    private static String hostArch() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    /** Resident KiB of each mapping (files by name; anonymous ones as [anon]), largest first, those of 256 KiB or more. */
    private static Map<String, Long> smaps(long pid) throws IOException {
        Map<String, Long> byName = new java.util.HashMap<>();
        String name = "";
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
            if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] parts = l.split("\\s+", 6);
                name = parts.length == 6 ? parts[5].strip() : "[anon]";
            } else if (l.startsWith("Rss:")) {
                byName.merge(name, Long.parseLong(l.replaceAll("[^0-9]", "")), Long::sum);
            }
        }
        Map<String, Long> sorted = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().filter(e -> e.getValue() >= 256).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
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
