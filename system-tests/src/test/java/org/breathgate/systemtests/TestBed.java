package org.breathgate.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.testkit.Ports;

/**
 * A real receiver in this JVM, started with {@link Receiver#start} as {@code breathgate-receiver} does:
 * embedded MQTT broker, SQLite in a temporary folder, and its HTTPS enrollment API on a free loopback
 * port ({@code web.port = 0}) with a self-signed certificate made on first start. The embedded broker
 * faces devices itself: its TLS listener (on a free port, with a certificate made on first start) is
 * what enrollment hands out, with that certificate as the broker CA, and every device logs in with the
 * login enrollment made for it. The receiver's clock can be moved forward to expire codes.
 */
final class TestBed implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Receiver receiver;
    /** The device listener: enrollment and devices' requests, with its own certificate. */
    final HttpsServer devices;
    final String adminToken;
    private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);
    private final List<AutoCloseable> open = new ArrayList<>();
    private HttpClient http;

    TestBed(Path dir) throws Exception {
        this(dir, Map.of());
    }

    /** With more receiver settings (e.g. {@code enrollment.tpm-vendor-ca-files}). */
    TestBed(Path dir, Map<String, String> extraSettings) throws Exception {
        Path data = dir.resolve("receiver");
        int mqttPort = Ports.free();
        // Started the normal way: Receiver serves HTTPS (a self-signed certificate in the data folder) on a free
        // loopback port and tells devices its broker's TLS listener, with that listener's certificate.
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, data.toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(mqttPort));
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "system-test-receiver");
        settings.put(ReceiverConfig.WEB_PORT, "0");
        settings.put(ReceiverConfig.DEVICE_API_PORT, "0");
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0");
        settings.putAll(extraSettings);
        ReceiverConfig config = ReceiverConfig.from(settings);
        // The receiver's clock runs with real time, shifted by what a test adds to expire codes.
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(shift.get());
            }
        };
        try {
            receiver = Receiver.start(config, clock, List.of());
            open.add(receiver);
            if (!receiver.awaitReady(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the receiver did not subscribe within 30 s");
            }
            devices = receiver.deviceApi().orElseThrow(() -> new IllegalStateException("the receiver did not start its device listener"));
            adminToken = receiver.adminToken().orElseThrow().issue(java.time.Instant.now());
            http = HttpClient.newBuilder().sslContext(trusting(devices.identity().certificate())).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Moves the receiver's clock forward (to expire codes). */
    void advanceClock(Duration by) {
        shift.set(shift.get().plus(by));
    }

    /** The admin creates a code; returns the whole answer (code, enrollment_line, ...). */
    JsonNode createCode(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + devices.port() + "/api/v1/enrollment-codes"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new AssertionError("creating a code: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    String url() {
        return "https://127.0.0.1:" + devices.port();
    }

    private static SSLContext trusting(X509Certificate only) throws Exception {
        return org.breathgate.testkit.PinnedTls.trusting(only);
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
