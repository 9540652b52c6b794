package org.breathgate.receiver.app.web;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.testkit.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receiver started the normal way serves sign-in and the API even when device enrollment is not
 * configured (embedded plain-TCP broker): the web server always runs when web.enabled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverWebIT {

    private static final String PASSWORD = "correct horse battery staple";

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @Test
    void the_web_server_runs_without_enrollment_and_people_sign_in_with_owasp_argon2() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, databases.newFolder().toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_ENABLED, "false"); // no TLS listener for devices, so no enrollment (below)
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "web-it");
        settings.put(ReceiverConfig.WEB_PORT, "0");
        settings.put(ReceiverConfig.DEVICE_API_PORT, "0");
        settings.put(ReceiverConfig.SIGNIN_SECOND_FACTOR, "off-demo-only"); // the listener is tested here, not the second factor
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            HttpsServer web = receiver.web().orElseThrow(() -> new AssertionError("the web server runs without enrollment settings"));
            new Organisations(receiver.database()).add(new Organisation("sa-1", "Service", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Users(receiver.database(), new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()))
                    .add(Actor.substanceAbuseWorker("worker-sa", "sa-1"), PASSWORD.toCharArray(), Instant.now());
            HttpClient http = HttpClient.newBuilder().sslContext(pinnedTo(web.identity().certificate()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://localhost:" + web.port();

            HttpResponse<String> spec = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.yaml")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, spec.statusCode());
            assertTrue(spec.body().startsWith("openapi: 3.1"), spec.body().substring(0, 40));

            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"worker-sa\",\"password\":\"" + PASSWORD + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode(), login.body());
            String cookie = login.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("__Host-breathgate_session="))
                    .map(h -> h.substring(h.indexOf('=') + 1, h.indexOf(';'))).findFirst().orElseThrow();
            HttpResponse<String> caseload = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/clients"))
                    .header("Cookie", "__Host-breathgate_session=" + cookie).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, caseload.statusCode(), caseload.body());
            assertEquals("[]", caseload.body());

            HttpsServer devices = receiver.deviceApi().orElseThrow(() -> new AssertionError("the device listener runs with web.enabled"));
            HttpClient device = HttpClient.newBuilder().sslContext(pinnedTo(devices.identity().certificate()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> enrollment = device.send(HttpRequest.newBuilder(URI.create("https://localhost:" + devices.port()
                    + "/api/v1/enrollments")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, enrollment.statusCode(), "enrollment keeps its condition: no broker for devices, no enrollment");
        }
    }

    private static SSLContext pinnedTo(X509Certificate expected) throws Exception {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        return org.breathgate.testkit.PinnedTls.trusting(expected);
    }
}
