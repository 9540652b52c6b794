package org.breathgate.systemtests.bench;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.ReceiverMain;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.systemtests.faults.FaultAgent;
import org.breathgate.testkit.Ports;
import picocli.CommandLine;

/**
 * Breath-to-alert latency: a real device agent (schedule, signing, SQLite outbox, MQTT) with a fake breathalyser
 * that measures a positive at once; the receiver as deployed by default (embedded MQTT broker, SQLite, care
 * workflow, alert delivery by e-mail) set up with its own {@code people} commands; a real SMTP server (GreenMail)
 * on loopback. For each of N positive readings, one after another: from the reading's time (the agent's clock,
 * the same machine's clock as here) to the moment GreenMail has the alert e-mail. Each positive is its own alert
 * ({@code retest.max=0}: no confirmation chain joins them). Also reported: reading → stored by the receiver (its
 * {@code received_at}). Prints {@code RESULT alert_latency ...} lines for {@code bin/benchmarks}.
 *
 * <p>Arguments: {@code [READINGS [WARMUP]]}, default 200 and 10.
 */
public final class AlertLatencyBenchmark {

    private static final String DEVICE = "home-latency";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private AlertLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int readings = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("bg-alert-latency");
        Path data = Files.createDirectories(dir.resolve("receiver"));
        String jdbcUrl = "jdbc:sqlite:" + data.resolve("breathgate.db");
        String[] base = {"--data-dir", data.toString(), "--jdbc-url", jdbcUrl};
        Instant lent = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        people(null, base, "people", "add-organisation", "--id", "sa-1", "--name", "Päihdepalvelut", "--kind", "substance-abuse");
        people(null, base, "people", "add-client", "--id", "case-bench", "--name", "Parent B", "--organisation", "sa-1",
                "--threshold-mg-l", "0.10");
        people("kolme iloista kirahvia\n", base, "people", "add-user", "--id", "anna", "--role", "substance-abuse-worker",
                "--organisation", "sa-1", "--email", "anna@example.org", "--language", "en", "--password-stdin");
        people(null, base, "people", "assign-device", "--device", DEVICE, "--client", "case-bench", "--from", lent.toString());

        int smtpPort = Ports.free();
        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, data.toString());
        settings.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "latency-bench");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        settings.put(ReceiverConfig.MAIL_SMTP_HOST, "127.0.0.1");
        settings.put(ReceiverConfig.MAIL_SMTP_PORT, Integer.toString(smtpPort));
        settings.put(ReceiverConfig.MAIL_SMTP_SECURITY, "none");
        settings.put(ReceiverConfig.MAIL_FROM, "Breathgate <alerts@care.example.org>");
        settings.put(ReceiverConfig.DELIVERY_SIGN_IN_URL, "https://care.example.org/");
        // When each e-mail arrived, by arrival order: a thread that blocks in GreenMail until the next one is there.
        Map<Integer, Instant> arrived = new ConcurrentHashMap<>();
        Thread watcher = new Thread(() -> {
            for (int k = 1; k <= readings + warmup; k++) {
                while (!smtp.waitForIncomingEmail(1_000, k)) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                }
                arrived.put(k, Instant.now());
            }
        }, "greenmail-watcher");
        watcher.setDaemon(true);
        watcher.start();

        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            if (!receiver.awaitReady(WAIT)) {
                throw new IllegalStateException("the receiver did not subscribe");
            }
            if (!receiver.delivery().mailEnabled()) {
                throw new IllegalStateException("the receiver's e-mail delivery is off");
            }
            Map<String, String> agentSettings = FaultAgent.settings(dir, DEVICE, receiver.brokerUri(), receiver.receiverKey());
            agentSettings.put("retest.max", "0");        // each positive its own alert
            agentSettings.put("threshold.ugl", "100");
            agentSettings.put("tick.ms", "1000");
            receiver.registry().enroll(org.breathgate.testkit.TestKeys.device(DEVICE).verificationKey());
            FaultAgent.withLogin(agentSettings, dir, receiver.brokerLogins().issue(DEVICE, "bench").password());
            FakeBreathalyser breathalyser = new FakeBreathalyser(Clock.systemUTC());
            for (int i = 0; i < readings + warmup; i++) {
                breathalyser.thenMeasures(250);
            }
            List<Double> toMail = new ArrayList<>();
            List<Double> toStored = new ArrayList<>();
            try (FakeAgentRun agent = new FakeAgentRun(FaultAgent.start(agentSettings, new SystemClockSource(Clock.systemUTC(), () -> true),
                    breathalyser))) {
                for (int i = 1; i <= readings + warmup; i++) {
                    Optional<Reading> reading = agent.agent.runTestNow(WAIT);
                    if (reading.isEmpty() || reading.get().outcome() != Outcome.FAIL) {
                        throw new IllegalStateException("reading " + i + " was not a stored positive: " + reading);
                    }
                    long end = System.nanoTime() + WAIT.toNanos();
                    while (!arrived.containsKey(i)) {
                        if (System.nanoTime() > end) {
                            throw new IllegalStateException("no alert e-mail for positive " + i + " within " + WAIT.toSeconds() + " s; "
                                    + smtp.getReceivedMessages().length + " e-mails so far");
                        }
                        Thread.sleep(1);
                    }
                    if (i > warmup) {
                        Instant taken = reading.get().clock().wall();
                        toMail.add(Duration.between(taken, arrived.get(i)).toNanos() / 1e6);
                        long receivedAt = receiver.store().event(DEVICE, reading.get().seq()).orElseThrow().receivedAt().toEpochMilli();
                        toStored.add((double) (receivedAt - taken.toEpochMilli()));
                    }
                }
            }
            MimeMessage last = smtp.getReceivedMessages()[smtp.getReceivedMessages().length - 1];
            System.out.printf("each alert e-mail: subject \"%s\" to %s%n", last.getSubject(), last.getAllRecipients()[0]);
            System.out.printf("RESULT alert_latency readings=%d warmup=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f mean_ms=%.0f%n", readings, warmup,
                    percentile(toMail, 50), percentile(toMail, 99), percentile(toMail, 100), mean(toMail));
            System.out.printf("RESULT alert_stored_latency readings=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f%n", readings,
                    percentile(toStored, 50), percentile(toStored, 99), percentile(toStored, 100));
        } finally {
            smtp.stop();
        }
        System.exit(0); // Paho and the broker leave non-daemon threads behind
    }

    /** Closes the agent (its close() may throw InterruptedException, which try-with-resources accepts). */
    private record FakeAgentRun(FaultAgent agent) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            agent.close();
        }
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static void people(String stdin, String[] base, String... args) {
        String[] all = new String[base.length + args.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int code;
        try {
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            code = new CommandLine(new ReceiverMain()).execute(all);
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
        if (code != 0) {
            throw new IllegalStateException("breathgate-receiver " + String.join(" ", args) + " failed (" + code + "): " + buffer);
        }
    }
}
