package org.breathgate.receiver.app.web;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two receivers on one PostgreSQL database, as behind a load balancer (issue 17): a session made on one is valid on the
 * other, a restart keeps people signed in, and the login throttle counts across both.
 */
class SharedSignInIT {

    private static final String PASSWORD = "correct horse battery staple";
    private final TestDatabases databases = new TestDatabases();

    @AfterEach
    void close() {
        databases.close();
    }

    private Map<String, String> settings(String url, Path data, String name, Path secret, Path cert, Path key) {
        Map<String, String> s = new HashMap<>();
        s.put(ReceiverConfig.DATA_DIR, data.toString());
        s.put(ReceiverConfig.JDBC_URL, url);
        s.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        s.put(ReceiverConfig.MQTT_CLIENT_ID, name);
        s.put(ReceiverConfig.WEB_PORT, "0");
        s.put(ReceiverConfig.DEVICE_API_ENABLED, "false");
        s.put(ReceiverConfig.SIGNIN_SECOND_FACTOR, "off-demo-only"); // sessions are tested here; SecondFactor tests are elsewhere
        if (secret != null) {
            s.put(ReceiverConfig.SIGNIN_SECRET_FILE, secret.toString());
            s.put(ReceiverConfig.WEB_TLS_CERT_FILE, cert.toString());
            s.put(ReceiverConfig.WEB_TLS_KEY_FILE, key.toString());
        }
        return s;
    }

    @Test
    void a_session_made_on_one_receiver_is_valid_on_the_other_and_after_a_restart_and_failures_count_across_both() throws Exception {
        String url = databases.newUrl(Database.Dialect.POSTGRESQL);
        Path dataA = databases.newFolder();
        Path dataB = databases.newFolder();
        Map<String, String> a = settings(url, dataA, "shared-a", null, null, null);
        Receiver first = Receiver.start(ReceiverConfig.from(a), Clock.systemUTC(), List.of());
        Receiver second = null;
        try {
            new Organisations(first.database()).add(new Organisation("sa-1", "Service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Users(first.database(), new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new SecureRandom()))
                    .add(Actor.substanceAbuseWorker("worker-sa", "sa-1"), PASSWORD.toCharArray(), Instant.now());
            // The second instance shares the sign-in secret and (as behind one load-balanced name) the certificate.
            Map<String, String> b = settings(url, dataB, "shared-b", dataA.resolve("signin-secret"), dataA.resolve(TlsIdentity.CERT_FILE),
                    dataA.resolve(TlsIdentity.KEY_FILE));
            second = Receiver.start(ReceiverConfig.from(b), Clock.systemUTC(), List.of());
            HttpClient http = HttpClient.newBuilder().sslContext(pinnedTo(first.web().orElseThrow().identity().certificate()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String onA = "https://localhost:" + first.web().orElseThrow().port();
            String onB = "https://localhost:" + second.web().orElseThrow().port();

            HttpResponse<String> login = login(http, onA, PASSWORD);
            assertEquals(200, login.statusCode(), login.body());
            String cookie = login.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("__Host-breathgate_session="))
                    .map(h -> h.substring(h.indexOf('=') + 1, h.indexOf(';'))).findFirst().orElseThrow();
            assertEquals(200, me(http, onB, cookie), "made on A, valid on B");

            first.close();
            first = Receiver.start(ReceiverConfig.from(a), Clock.systemUTC(), List.of());
            onA = "https://localhost:" + first.web().orElseThrow().port();
            assertEquals(200, me(http, onA, cookie), "A restarted: still signed in");

            for (int i = 0; i < 6; i++) {
                assertEquals(401, login(http, i % 2 == 0 ? onA : onB, "guess-" + i).statusCode());
            }
            HttpResponse<String> slowed = login(http, onB, PASSWORD);
            assertEquals(429, slowed.statusCode(), "six failures spread over A and B slow the next attempt on either");
            assertTrue(Long.parseLong(slowed.headers().firstValue("Retry-After").orElseThrow()) <= 31);
        } finally {
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    private static HttpResponse<String> login(HttpClient http, String base, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"worker-sa\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int me(HttpClient http, String base, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).header("Cookie", "__Host-breathgate_session=" + cookie)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static SSLContext pinnedTo(java.security.cert.X509Certificate expected) throws Exception {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        return org.breathgate.testkit.PinnedTls.trusting(expected);
    }
}
