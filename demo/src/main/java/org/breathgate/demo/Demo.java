package org.breathgate.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.protocol.Schedule;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.https.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running demo: the receiver on its embedded defaults (HiveMQ broker, SQLite, HTTPS web server), TLS in
 * front of the broker, the seeded people, and three homes. {@link #close()} stops all of it, also from a
 * shutdown hook.
 */
public final class Demo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    private final DemoSettings settings;
    private final PrintStream out;
    private final Progress progress;
    // Filled by the starting thread while a shutdown hook may already be closing: concurrent maps.
    private final Map<Story, Home> homes = new ConcurrentSkipListMap<>();
    private final Map<Story, String> devices = new ConcurrentSkipListMap<>();
    private Receiver receiver;
    private ScheduledExecutorService ticker;
    private volatile boolean closed;

    Demo(DemoSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.progress = new Progress(out);
    }

    /** Starts everything; prints what to open and the logins. The data folder must be prepared first. */
    public static Demo start(DemoSettings settings, PrintStream out) throws Exception {
        Demo demo = new Demo(settings, out);
        try {
            demo.startAll();
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    /** Starts everything; {@link #close()} may be called meanwhile (Ctrl-C during start) and stops what was started. */
    void startAll() throws Exception {
        Path data = settings.dataDir().toAbsolutePath();
        Files.createDirectories(data.resolve("homes"));
        int mqttPort = LinkSwitch.freePort();

        out.println("  the receiver: embedded MQTT broker (devices log in over TLS), SQLite database, HTTPS web server ...");
        Map<String, String> config = new HashMap<>();
        config.put(ReceiverConfig.DATA_DIR, data.resolve("receiver").toString());
        config.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(mqttPort));
        // The embedded broker faces the devices itself: its TLS listener (a certificate made on first start), told to devices at
        // enrollment with their own broker logins. Each home reaches it through its own relay, which the demo can cut.
        config.put(ReceiverConfig.EMBEDDED_TLS_PORT, Integer.toString(LinkSwitch.freePort()));
        config.put(ReceiverConfig.MQTT_CLIENT_ID, "demo-receiver");
        // DEMO ONLY: the demo logins sign in with a password alone; the receiver warns loudly at start and the login page says so.
        config.put(ReceiverConfig.SIGNIN_SECOND_FACTOR, "off-demo-only");
        config.put(ReceiverConfig.WEB_PORT, Integer.toString(settings.webPort()));
        // Devices enroll on a listener of their own (their own certificate): the next port, or a free one in tests.
        config.put(ReceiverConfig.DEVICE_API_PORT, Integer.toString(settings.webPort() == 0 ? 0 : settings.webPort() + 1));
        // The homes run their schedule faster than written, which the receiver does not know: its own "expected test not
        // received" check would wait for windows in real time that the devices never open. The devices' own missed-test
        // records tell the demo's stories.
        config.put(ReceiverConfig.CARE_EXPECTED_TEST_GRACE_MINUTES, "0");
        Receiver started = Receiver.start(ReceiverConfig.from(config), java.time.Clock.systemUTC(), List.of(progress));
        synchronized (this) {
            if (closed) {
                started.close();
                throw stopped();
            }
            receiver = started;
        }
        if (!receiver.awaitReady(Duration.ofSeconds(30))) {
            throw new IllegalStateException("the receiver did not subscribe to its broker within 30 s");
        }
        progress.watch(receiver);
        HttpsServer web = receiver.web().orElseThrow(() -> new IllegalStateException("the receiver's web server did not start"));
        URI url = receiver.webUrl().orElseThrow();
        HttpsServer deviceApi = receiver.deviceApi().orElseThrow(() -> new IllegalStateException("the receiver's device listener did not start"));
        URI deviceUrl = receiver.deviceApiUrl().orElseThrow();

        Instant now = Instant.now();
        if (!DemoPeople.seeded(receiver)) {
            DemoPeople.seed(receiver, now);
        }
        out.println("  three homes: a simulated breathalyser each, enrolled with the receiver by the technician's setup ...");
        DeviceAssignments assignments = new DeviceAssignments(receiver.database());
        for (Story story : Story.values()) {
            Home home = Home.plugIn(story, data.resolve("homes").resolve(story.folder()), settings, progress::say);
            synchronized (this) {
                if (closed) {
                    home.close();
                    throw stopped();
                }
                homes.put(story, home);
            }
            if (!home.enrolled()) {
                // The demo's technician makes the code, as one would signed in (the admin token is retired: demo-admin exists).
                String code = receiver.care().devices().createCode(DemoPeople.TECHNICIAN, Duration.ofHours(1),
                        "demo: " + story.person() + "'s home").code().toString();
                home.enroll(deviceUrl, deviceApi.identity().fingerprint(), code);
            }
            String device = home.deviceId();
            devices.put(story, device);
            progress.home(device, story);
            if (assignments.clientAt(device, now).isEmpty()) {
                assignments.assign(device, story.clientId(), now);
            }
        }
        Schedule schedule = schedule(Instant.now());
        Path scheduleSet = data.resolve("schedule-set.txt");
        if (!Files.exists(scheduleSet)) {
            for (Story story : Story.values()) {
                // Set by the substance-abuse worker, as in the service; signed and sent to the device, retained.
                receiver.care().schedules().set(DemoPeople.SA_WORKER, story.clientId(), schedule);
            }
            // A kept run keeps this schedule: a new one would open a second window beside one still open.
            Files.writeString(scheduleSet, "schedule set for all three homes at " + Instant.now() + ": " + schedule.slots() + "\n");
        }
        progress.checkAlerts(true);
        for (Home home : homes.values()) {
            stopIfClosed();
            home.start(URI.create(receiver.deviceBrokerUri().orElseThrow()).getPort());
        }
        printWelcome(url, web.identity().fingerprint(), deviceUrl, schedule);
        synchronized (this) {
            stopIfClosed();
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "demo-progress");
                t.setDaemon(true);
                return t;
            });
        }
        ticker.scheduleWithFixedDelay(this::checkAlerts, 1, 1, TimeUnit.SECONDS);
        long every = settings.progressEvery().toMillis();
        ticker.scheduleWithFixedDelay(this::printProgress, every, every, TimeUnit.MILLISECONDS);
    }

    private void stopIfClosed() {
        if (closed) {
            throw stopped();
        }
    }

    private static IllegalStateException stopped() {
        return new IllegalStateException("the demo was stopped while it started");
    }

    private void printProgress() {
        try {
            progress.printLine(homes);
        } catch (RuntimeException e) {
            LOG.warn("printing the progress line failed: {}", e.toString());
        }
    }

    private void checkAlerts() {
        try {
            progress.checkAlerts();
        } catch (RuntimeException e) {
            LOG.warn("reading alerts for the progress line failed: {}", e.toString());
        }
    }

    /**
     * Twelve slots, two hours apart, the first 40 schedule minutes from now (rounded up to ten minutes), so the
     * first window opens 10-20 schedule minutes after the start. Times are of the compressed day (docs/agent.md,
     * {@code schedule.minute.ms}).
     */
    Schedule schedule(Instant now) {
        long minuteMs = settings.scheduleMinute().toMillis();
        long dayMs = minuteMs * 24 * 60;
        long intoDay = Math.floorMod(now.toEpochMilli(), dayMs) / minuteMs;
        long first = ((intoDay + DemoSettings.FIRST_SLOT_AFTER_MIN + 9) / 10) * 10;
        List<Schedule.Slot> slots = new ArrayList<>();
        for (int i = 0; i < 24 * 60 / DemoSettings.SLOT_EVERY_MIN; i++) {
            long m = Math.floorMod(first + (long) i * DemoSettings.SLOT_EVERY_MIN, 24 * 60);
            slots.add(Schedule.Slot.at(LocalTime.ofSecondOfDay(m * 60)));
        }
        slots.sort(Comparator.comparing(Schedule.Slot::at));
        return Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), slots);
    }

    /**
     * The whole SHA-256 fingerprint ({@code sha256:<64 hex>}) as browsers show it, upper-case pairs with colons, to be
     * compared in full: it used to be cut to 16 hex digits, which a forged certificate can be made to match.
     */
    static String certificateFingerprint(String fingerprint) {
        String hex = fingerprint.startsWith("sha256:") ? fingerprint.substring(7) : fingerprint;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            out.append(i == 0 ? "" : ":").append(hex, i, Math.min(i + 2, hex.length()));
        }
        return out.toString().toUpperCase(java.util.Locale.ROOT);
    }

    private void printWelcome(URI url, String fingerprint, URI deviceUrl, Schedule schedule) {
        out.println();
        out.println("Breathgate demo is running. Everything stays on this machine.");
        out.println();
        out.println("  Web UI:   " + url + "/");
        out.println("            self-signed certificate: your browser asks you to accept it once; compare its SHA-256 fingerprint");
        out.println("            in full with the one the browser shows (a part of it proves nothing):");
        out.println("            " + certificateFingerprint(fingerprint));
        out.println();
        out.println("  Demo logins (every password: " + DemoPeople.PASSWORD + " — demo data only):");
        for (DemoPeople.Login l : DemoPeople.workerLogins()) {
            out.printf("    %-24s %-11s %s%n", l.role(), l.userName(), l.note());
        }
        for (Story s : Story.values()) {
            out.printf("    %-24s %-11s %s: %s%n", "parent", s.parent().userId(), s.person(), s.summary());
        }
        out.println();
        out.println("  Three homes, each a device agent with a simulated breathalyser on a pseudo-terminal, enrolled through");
        out.println("  the receiver's device listener " + deviceUrl + " (its own port and certificate):");
        for (Story s : Story.values()) {
            out.printf("    %-6s device %s, breathalyser on %s%n", s.person(), devices.get(s), homes.get(s).simulator().portPath());
        }
        out.println();
        out.printf("  The schedule runs %d times faster than real time: a minute of it passes in %s, a day in %d minutes.%n",
                settings.speed(), human(settings.scheduleMinute()), 24 * 60 / settings.speed());
        out.println("  Test windows open every " + human(settings.minutes(DemoSettings.SLOT_EVERY_MIN)) + " and last "
                + human(settings.minutes(60)) + "; a retest is due " + human(settings.minutes(schedule.retestDelayMin()))
                + " after a positive.");
        out.println("  Data folder: " + settings.dataDir().toAbsolutePath() + " (log: demo.log). Stop with Ctrl-C.");
        out.println();
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        return s < 120 ? s + " s" : (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }

    /** The receiver (tests look at what it stored). */
    public Receiver receiver() {
        return receiver;
    }

    /** The device id of each home. */
    public Map<String, String> devicesByPerson() {
        Map<String, String> m = new HashMap<>();
        devices.forEach((s, d) -> m.put(s.person(), d));
        return m;
    }

    /** Whether a confirmed-positive alert exists for the home with that story's person. */
    public boolean confirmedPositiveAlertFor(String person) {
        String client = "client-" + person.toLowerCase(java.util.Locale.ROOT);
        List<Alert> alerts = Sql.read(receiver.database(), "reading alerts", c -> AlertStore.ofClient(c, client));
        return alerts.stream().anyMatch(a -> a.kind() == AlertKind.CONFIRMED_POSITIVE);
    }

    /** Whether each home's link is up now. */
    public boolean online(String person) {
        return homes.values().stream().filter(h -> h.story().person().equals(person)).anyMatch(Home::online);
    }

    /** Stops the homes, the receiver and socat; safe to call twice and from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        for (Home h : homes.values()) {
            try {
                h.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping {}'s home: {}", h.story().person(), e.toString());
            }
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    static SSLContext trusting(X509Certificate only) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("server only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (!chain[0].equals(only)) {
                    throw new CertificateException("not the demo receiver's certificate");
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return tls;
    }
}
