package org.breathgate.receiver.app.bench;

import org.breathgate.testkit.LightMqtt;
import org.breathgate.testkit.MosquittoBroker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reconnect storm: {@code devices} simulated devices, each its own MQTT connection and key, each
 * holding {@code readings} readings buffered while offline, connect at once (clean sessions, as the
 * agent does) and drain them with the agent's window of unacknowledged publishes; the receiver runs
 * in a process of its own ({@link BenchReceiver}) on SQLite. Measured: the time from the first
 * connect until every device holds an ack for every reading, each device's wait for its first ack,
 * the readings the broker delivered to the receiver more than once (answered DUPLICATE), and the
 * receiver process's resident memory (sampled, and its peak {@code VmHWM}).
 *
 * <p>{@link #run} fails unless every reading is stored exactly once and acked; {@code ReconnectStormIT}
 * runs it as a test, {@link #main} as a benchmark. Arguments: devices, readings, window (default 1000 100 128).
 */
public final class ReconnectStorm {

    /** What a storm measured. */
    record Result(int devices, int readings, long stored, long rows, long duplicatesAtReceiver, long duplicateAckEntries,
                  double connectSeconds, double drainSeconds, long firstAckP50Ms, long firstAckMaxMs, double idleRssMiB,
                  double maxRssMiB, double hwmMiB, String receiverStats) {
        String line() {
            return ("RESULT storm devices=%d readings=%d stored=%d rows=%d connect_s=%.2f drain_s=%.2f rate=%.0f first_ack_p50_ms=%d "
                    + "first_ack_max_ms=%d first_ack_bound_ms=%d duplicates=%d idle_rss_mib=%.1f max_rss_mib=%.1f hwm_mib=%.1f").formatted(devices, readings, stored,
                    rows, connectSeconds, drainSeconds, devices * (double) readings / drainSeconds, firstAckP50Ms, firstAckMaxMs,
                    FIRST_ACK_BOUND.toMillis(), duplicatesAtReceiver, idleRssMiB, maxRssMiB, hwmMiB);
        }
    }

    /**
     * The longest a device may wait for its first ack in a storm, from the moment every device starts connecting: the
     * stated bound (docs/benchmarks.md). Measured 7.5 s for 1 000 × 100 on a loaded 2-core machine; a device's first ack
     * waits for the readings the broker queued ahead of it, so the bound is generous for the whole drain of the full storm.
     */
    static final java.time.Duration FIRST_ACK_BOUND = java.time.Duration.ofSeconds(60);

    private ReconnectStorm() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int readings = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Result result = run(devices, readings, window);
        System.out.println(result.line());
        System.exit(0);
    }

    /**
     * Runs a storm on a Mosquitto of its own, every client logging in (each device as itself, the receiver as
     * {@code receiver}, the shipped ACL); fails unless every reading is stored exactly once and acked.
     */
    static Result run(int devices, int readings, int window) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int d = 1; d <= devices; d++) {
            ids.add("storm-%05d".formatted(d));
        }
        BenchLogins logins = new BenchLogins().add(ids);
        try (MosquittoBroker broker = MosquittoBroker.start(logins.mosquitto(MosquittoBroker.Options.plain()
                .withConfigLine("max_queued_messages 1000000").withConfigLine("max_inflight_messages 200")))) {
            return run(broker.uri(), devices, readings, window, logins);
        }
    }

    /** Runs a storm against the broker at {@code brokerUri}; fails unless every reading is stored exactly once and acked. */
    static Result run(String brokerUri, int devices, int readings, int window, BenchLogins logins) throws Exception {
        int total = devices * readings;
        List<BenchFleet.Device> signed = BenchFleet.sign("storm", devices, readings);
        System.out.printf("Reconnect storm: %d devices x %d buffered readings = %d, window %d, broker %s%n", devices, readings, total,
                window, brokerUri);
        Path work = Files.createTempDirectory("breathgate-storm-");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String jvm = System.getProperty("storm.receiver.jvm", ""); // e.g. -Xmx256m: the receiver's JVM flags (default: none)
        if (!jvm.isBlank()) {
            command.addAll(List.of(jvm.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                BenchReceiver.class.getName(), brokerUri, "jdbc:sqlite:" + work.resolve("storm.db"), work.resolve("data").toString(),
                "storm", String.valueOf(devices), BenchLogins.RECEIVER, logins.receiverPasswordFile(work).toString()));
        System.out.println("receiver JVM flags: " + (jvm.isBlank() ? "none (the JVM's defaults)" : jvm));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter in = new PrintWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true);
        try (LightMqtt mqtt = LightMqtt.start(2, "storm")) {
            expect(out, "READY");
            double idle = rssMiB(child.pid(), "VmRSS");
            long start = System.nanoTime();
            double maxRss = idle;
            try (BenchFleet fleet = new BenchFleet(mqtt, brokerUri, signed, window, true, 32, logins.forDevices())) {
                long connected = System.nanoTime();
                fleet.publishAll();
                long deadline = start + TimeUnit.MINUTES.toNanos(Long.getLong("storm.timeout.minutes", 30));
                long report = start + TimeUnit.SECONDS.toNanos(10);
                while (fleet.ackedReadings() < total) {
                    if (System.nanoTime() > report) {
                        report += TimeUnit.SECONDS.toNanos(10);
                        System.out.printf("  %.0f s: %d of %d acked to the devices, %d PUBACKed by the broker%n",
                                (System.nanoTime() - start) / 1e9, fleet.ackedReadings(), total, fleet.brokerAcked());
                    }
                    if (System.nanoTime() > deadline || !child.isAlive()) {
                        in.println("stats");
                        throw new IllegalStateException("storm: " + fleet.ackedReadings() + " of " + total + " acked; receiver "
                                + (child.isAlive() ? expect(out, "STATS") : "died") + "; closed: " + fleet.closedUnexpectedly());
                    }
                    maxRss = Math.max(maxRss, rssMiB(child.pid(), "VmRSS"));
                    Thread.sleep(20);
                }
                long drained = System.nanoTime();
                double hwm = rssMiB(child.pid(), "VmHWM");
                in.println("stats");
                String stats = expect(out, "STATS");
                in.println("count");
                long rows = Long.parseLong(expect(out, "COUNT").substring("COUNT ".length()).trim());
                long stored = Long.parseLong(stats.replaceAll(".*stored=(\\d+).*", "$1"));
                long duplicates = Long.parseLong(stats.replaceAll(".*duplicates=(\\d+).*", "$1"));
                long[] firstAck = fleet.firstAckMillis(start);
                Arrays.sort(firstAck);
                System.out.printf("  receiver: %s%n", stats);
                if (rows != total || stored != total || !fleet.incomplete().isEmpty() || fleet.badAcks() != 0) {
                    throw new IllegalStateException("storm: expected " + total + " readings stored once and acked; rows " + rows
                            + ", " + stats + ", devices missing acks " + fleet.incomplete().size() + ", bad acks " + fleet.badAcks());
                }
                return new Result(devices, readings, stored, rows, duplicates, fleet.duplicateEntries(), (connected - start) / 1e9,
                        (drained - start) / 1e9, firstAck[firstAck.length / 2], firstAck[firstAck.length - 1], idle, maxRss, hwm, stats);
            }
        } finally {
            in.println("quit");
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Reads the child's lines until one starts with {@code prefix}. */
    private static String expect(BufferedReader out, String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("the storm's receiver ended before printing " + prefix);
    }

    /** A field of /proc/PID/status in MiB (0 if the process is gone). */
    private static double rssMiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
