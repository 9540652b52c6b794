package org.breathgate.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as {@code bin/demo} runs it, with a short story: the schedule 240 times faster than real time (a
 * minute in a quarter of a second), blows of tens of milliseconds, Sanna offline for an hour of the schedule.
 * Every home's readings reach the receiver, Mikko's positive and positive retest become a confirmed-positive
 * alert, Sanna's missed test arrives and her late test arrives only after her link is back; then everything stops
 * and no process the demo started is left.
 */
class DemoIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void three_homes_tell_their_stories_to_a_real_receiver_and_everything_stops() throws Exception {
        DemoSettings settings = new DemoSettings(dir.resolve("demo-data"), false, 0, 240, 60, false, Duration.ofSeconds(5));
        DemoFolder.prepare(settings);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(printed, System.out), true, StandardCharsets.UTF_8);
        try (Demo demo = Demo.start(settings, out)) {
            Map<String, String> devices = demo.devicesByPerson();
            assertEquals(3, devices.size(), devices.toString());
            EvidenceReader store = demo.receiver().store();

            await(() -> passes(store, devices.get("Aino")) >= 2, "two clean tests from Aino");
            await(() -> demo.confirmedPositiveAlertFor("Mikko"), "the confirmed-positive alert for Mikko");
            List<Reading> mikko = readings(store, devices.get("Mikko"));
            assertEquals(Outcome.FAIL, mikko.get(0).outcome(), mikko.toString());
            assertEquals(Outcome.FAIL, mikko.get(1).outcome(), mikko.toString());
            assertTrue(mikko.get(1).reason() instanceof TestReason.Retest, mikko.toString());
            assertTrue(!demo.confirmedPositiveAlertFor("Aino"), "Aino tested clean");

            String sanna = devices.get("Sanna");
            await(() -> events(store, sanna).stream().anyMatch(e -> e.event() instanceof MissedTest), "Sanna's missed test");
            await(() -> events(store, sanna).stream().anyMatch(DemoIT::lateTest), "Sanna's late test, after her link is back");
            StoredEvent late = events(store, sanna).stream().filter(DemoIT::lateTest).findFirst().orElseThrow();
            Instant taken = ((Reading) late.event()).clock().wall();
            // Taken ten schedule minutes into an hour offline: it cannot have arrived before the link came back.
            assertTrue(Duration.between(taken, late.receivedAt()).compareTo(settings.minutes(40)) > 0,
                    "taken " + taken + ", received " + late.receivedAt());
            assertTrue(demo.online("Sanna"), "Sanna's link is restored");

            // Every login printed signs in with the printed password (the sign-in API the pages use); a wrong one does not.
            var web = demo.receiver().web().orElseThrow();
            HttpClient http = HttpClient.newBuilder().sslContext(Demo.trusting(web.identity().certificate())).build();
            List<String> users = new ArrayList<>();
            DemoPeople.workerLogins().forEach(l -> users.add(l.userName()));
            for (Story story : Story.values()) {
                users.add(story.parent().userId());
            }
            assertEquals(7, users.size());
            for (String user : users) {
                HttpResponse<String> r = signIn(http, web.port(), user, DemoPeople.PASSWORD);
                assertEquals(200, r.statusCode(), user + ": " + r.body());
                assertTrue(r.body().contains("\"" + user + "\""), r.body());
            }
            assertEquals(401, signIn(http, web.port(), "demo-sa", "not-the-password").statusCode());
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Web UI:   https://127.0.0.1:"), text);
        assertTrue(text.contains("demo-sa") && text.contains("demo-cp") && text.contains("demo-tech") && text.contains("demo-admin")
                && text.contains("demo-aino") && text.contains("demo-mikko") && text.contains("demo-sanna"), text);
        assertTrue(text.contains("ALERT confirmed positive"), text);
        assertTrue(text.contains("arrived") && text.contains("from the device's outbox"), text);

        // socat for the three pseudo-terminals and the broker's TLS: all stopped.
        await(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive),
                "no process left: " + ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("?")).toList());
    }

    private static HttpResponse<String> signIn(HttpClient http, int port, String user, String password) throws Exception {
        String body = "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}";
        return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/session"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean lateTest(StoredEvent e) {
        return e.event() instanceof Reading r && r.reason() instanceof TestReason.Scheduled s && s.late()
                && r.outcome() == Outcome.PASS;
    }

    private static List<StoredEvent> events(EvidenceReader store, String device) {
        return store.events(device, Instant.EPOCH, Instant.now().plusSeconds(3600));
    }

    private static List<Reading> readings(EvidenceReader store, String device) {
        return store.readings(device, Instant.EPOCH, Instant.now().plusSeconds(3600)).stream().map(e -> (Reading) e.event())
                .filter(r -> r.outcome() == Outcome.PASS || r.outcome() == Outcome.FAIL).toList();
    }

    private static long passes(EvidenceReader store, String device) {
        return readings(store, device).stream().filter(r -> r.outcome() == Outcome.PASS).count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
    }

    /** Keeps what the demo prints and shows it in the test's output too. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
