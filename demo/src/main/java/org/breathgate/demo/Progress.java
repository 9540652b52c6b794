package org.breathgate.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.evidence.store.EvidenceListener;
import org.breathgate.receiver.evidence.store.StoredEvent;

/**
 * What the person running the demo sees: a line for each piece of evidence the receiver stores (with how late
 * it arrived, when it waited in a device's outbox), a line for each new alert, and a progress line.
 */
final class Progress implements EvidenceListener {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    private final PrintStream out;
    private final ZoneId zone = ZoneId.systemDefault();
    private final Map<String, Story> homes = new ConcurrentHashMap<>();
    private final Map<Story, AtomicInteger> readings = new EnumMap<>(Story.class);
    private final Map<Story, AtomicInteger> events = new EnumMap<>(Story.class);
    private final Map<Story, AtomicInteger> missed = new EnumMap<>(Story.class);
    private String lastLine = "";
    private long lastLineAt;
    /** Each alert's kind and audience as last printed: a chain's alert is updated in place (over threshold, then confirmed). */
    private final Map<String, String> alertsSeen = new HashMap<>();
    private volatile Receiver receiver;
    private volatile Map<AlertKind, Integer> openAlerts = Map.of();

    Progress(PrintStream out) {
        this.out = out;
        for (Story s : Story.values()) {
            readings.put(s, new AtomicInteger());
            events.put(s, new AtomicInteger());
            missed.put(s, new AtomicInteger());
        }
    }

    void watch(Receiver r) {
        this.receiver = r;
    }

    void home(String deviceId, Story story) {
        homes.put(deviceId, story);
    }

    /** A line, with the time in front. */
    synchronized void say(String text) {
        out.println("[" + TIME.format(LocalTime.now(zone)) + "] " + text);
    }

    @Override
    public void onStored(StoredEvent e) {
        Story story = homes.get(e.deviceId());
        if (story == null) {
            return;
        }
        events.get(story).incrementAndGet();
        String what;
        Instant at;
        if (e.event() instanceof Reading r) {
            at = r.clock().wall();
            if (r.outcome().validSample()) {
                readings.get(story).incrementAndGet();
            }
            what = describe(r);
        } else if (e.event() instanceof MissedTest m) {
            at = m.clock().wall();
            missed.get(story).incrementAndGet();
            what = "missed test: the window " + time(m.windowOpened()) + "-" + time(m.windowClosed()) + " closed without a test";
        } else if (e.event() instanceof TamperEvent t) {
            at = t.clock().wall();
            what = "device signal: " + t.kind().name().toLowerCase(Locale.ROOT) + " (" + t.detail() + ")";
        } else if (e.event() instanceof SupportRequest s) {
            at = s.clock().wall();
            what = "asked for support";
        } else {
            return;
        }
        Duration late = Duration.between(at, e.receivedAt());
        String arrival = late.compareTo(Duration.ofSeconds(10)) > 0
                ? " — taken " + time(at) + ", arrived " + late.toSeconds() + " s later from the device's outbox" : "";
        say(String.format(Locale.ROOT, "%-6s %s%s", story.person(), what, arrival));
    }

    private static String describe(Reading r) {
        String reason;
        if (r.reason() instanceof TestReason.Retest t) {
            reason = "retest " + t.attempt();
        } else if (r.reason() instanceof TestReason.Scheduled s) {
            reason = s.late() ? "late test" : "scheduled test";
        } else {
            reason = "test on demand";
        }
        if (!r.outcome().validSample()) {
            return reason + ": " + r.outcome().wireName() + (r.abortReason() == null ? "" : " (" + r.abortReason().name().toLowerCase(Locale.ROOT) + ")");
        }
        String value = r.breathAlcohol() == null ? "" : String.format(Locale.ROOT, " %.3f mg/L", r.breathAlcohol().microgramsPerLitre() / 1000.0);
        return reason + ":" + value + (r.outcome() == Outcome.PASS ? ", under the threshold" : ", at or over the threshold");
    }

    private String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }

    /** Reads the open alerts and prints each new or changed one; {@code quietly}: remembers them without printing (a kept run's). */
    void checkAlerts() {
        checkAlerts(false);
    }

    void checkAlerts(boolean quietly) {
        Receiver r = receiver;
        if (r == null) {
            return;
        }
        List<Alert> open = Sql.read(r.database(), "reading open alerts for the demo", AlertStore::unresolved);
        Map<AlertKind, Integer> counts = new TreeMap<>();
        for (Alert a : open) {
            counts.merge(a.kind(), 1, Integer::sum);
            String to = a.audience().childProtectionUnitIds().isEmpty() ? "the substance-abuse service"
                    : "the substance-abuse service and child protection (by consent)";
            String shown = a.kind() + " " + to;
            boolean changed;
            synchronized (alertsSeen) {
                changed = !shown.equals(alertsSeen.put(a.key(), shown));
            }
            if (changed && !quietly) {
                Story story = homes.get(a.deviceId());
                String who = story == null ? a.clientId() : story.person();
                say(String.format(Locale.ROOT, "%-6s ALERT %s, to %s", who, words(a.kind()), to));
            }
        }
        openAlerts = counts;
    }

    private static String words(AlertKind kind) {
        switch (kind) {
            case CONFIRMED_POSITIVE:
                return "confirmed positive (the retest showed alcohol too)";
            case OVER_THRESHOLD:
                return "over threshold (one result, not yet confirmed)";
            case MISSED_TEST:
                return "missed test";
            case TAMPER:
                return "device signal";
            case DEVICE_SILENT:
                return "device silent";
            case SUPPORT_REQUEST:
                return "asked for support";
            default:
                return kind.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The progress line: tests and missed tests stored per home, what waits offline, the open alerts. */
    String line(Map<Story, Home> running) {
        StringBuilder b = new StringBuilder("progress — stored:");
        for (Story s : Story.values()) {
            int tests = readings.get(s).get();
            int miss = missed.get(s).get();
            int other = events.get(s).get() - tests - miss;
            b.append(' ').append(s.person()).append(' ').append(tests).append(tests == 1 ? " test" : " tests");
            if (miss > 0) {
                b.append(" + ").append(miss).append(" missed");
            }
            if (other > 0) {
                b.append(" + ").append(other).append(" other");
            }
            Home h = running.get(s);
            if (h != null && h.agent() != null && !h.online()) {
                b.append(" (offline, ").append(h.agent().outboxStats().depth()).append(" waiting in the device)");
            }
            b.append(s.ordinal() < Story.values().length - 1 ? "," : "");
        }
        Map<AlertKind, Integer> alerts = openAlerts;
        int total = alerts.values().stream().mapToInt(Integer::intValue).sum();
        b.append(" | open alerts: ").append(total);
        if (total > 0) {
            b.append(" (");
            alerts.forEach((k, n) -> b.append(n).append(' ').append(k.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(", "));
            b.setLength(b.length() - 2);
            b.append(')');
        }
        return b.toString();
    }

    /** Prints the progress line when it changed, and at least once a minute so a quiet demo does not look stuck. */
    void printLine(Map<Story, Home> running) {
        String line = line(running);
        long now = System.nanoTime();
        if (!line.equals(lastLine) || now - lastLineAt > java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) {
            say(line);
            lastLine = line;
            lastLineAt = now;
        }
    }

    int tests(Story s) {
        return readings.get(s).get();
    }

    int events(Story s) {
        return events.get(s).get();
    }
}
