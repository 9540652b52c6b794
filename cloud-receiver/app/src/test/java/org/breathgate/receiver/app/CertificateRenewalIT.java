package org.breathgate.receiver.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SigningKey;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.receiver.ingest.deviceapi.DeviceRequestsApi;
import org.breathgate.testkit.PinnedTls;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * People and devices reach the receiver on listeners of their own, each with its own certificate: the people's certificate is
 * renewed (a new one installed, the receiver restarted) and a device, which pinned the device listener's certificate when it
 * enrolled, still rotates its key there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class CertificateRenewalIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @Test
    void renewing_the_people_facing_certificate_leaves_devices_rotating_their_keys_on_their_own_listener() throws Exception {
        Path data = databases.newFolder();
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, data.toString());
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.EMBEDDED_TLS_PORT, "0"); // devices' TLS listener on a free port
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "renewal-it");
        settings.put(ReceiverConfig.WEB_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.DEVICE_API_PORT, Integer.toString(Ports.free()));

        SigningKey k1 = SigningKey.generate(new KeyId("home-renew01", 1), RANDOM);
        X509Certificate devicePin;
        X509Certificate oldPeopleCertificate;
        URI deviceUrl;
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            receiver.registry().enroll(k1.verificationKey());
            // What a device keeps from its enrollment line: the device listener's URL and certificate.
            devicePin = receiver.deviceApi().orElseThrow().identity().certificate();
            deviceUrl = receiver.deviceApiUrl().orElseThrow();
            oldPeopleCertificate = receiver.web().orElseThrow().identity().certificate();
            assertNotEquals(receiver.web().orElseThrow().identity().fingerprint(), receiver.deviceApi().orElseThrow().identity().fingerprint(),
                    "each listener has its own certificate");
        }

        // The people's certificate is renewed: the admin installs a new one and restarts the receiver.
        TestCertificates renewed = TestCertificates.create(Files.createDirectories(data.resolve("renewed")));
        settings.put(ReceiverConfig.WEB_TLS_CERT_FILE, renewed.serverCertificate().toString());
        settings.put(ReceiverConfig.WEB_TLS_KEY_FILE, renewed.serverKey().toString());
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            HttpsServer people = receiver.web().orElseThrow();
            HttpsServer devices = receiver.deviceApi().orElseThrow();
            assertEquals(TlsIdentity.fromPem(renewed.serverCertificate(), renewed.serverKey()).fingerprint(), people.identity().fingerprint());
            assertEquals(devicePin, devices.identity().certificate(), "the device listener kept its certificate");

            // Had the device pinned the people's old certificate, it could no longer talk to the receiver at all.
            HttpClient pinnedToOld = HttpClient.newBuilder().sslContext(PinnedTls.trusting(oldPeopleCertificate))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(SSLHandshakeException.class, () -> pinnedToOld.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + people.port() + "/api/v1/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofString()));

            // The device, pinned to the device listener's certificate, rotates its key there as before.
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            HttpClient device = HttpClient.newBuilder().sslContext(PinnedTls.trusting(devicePin)).connectTimeout(Duration.ofSeconds(5)).build();
            SigningKey k2 = SigningKey.generate(new KeyId(k1.keyId().owner(), 2), RANDOM);
            HttpResponse<String> rotated = device.send(HttpRequest.newBuilder(deviceUrl.resolve("/api/v1/devices/" + k1.keyId().owner() + "/keys"))
                    .header("Content-Type", "application/jose").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(rotation(k1, k2))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, rotated.statusCode(), rotated.body());
            assertEquals(k2.keyId().toString(), JSON.readTree(rotated.body()).get("kid").asText());
            String evidence = new MessageSigner(k2).sign(SampleMessages.of(k1.keyId().owner()).soberReading(1)).compact();
            assertEquals(k2.keyId(), new MessageVerifier(receiver.registry()).verify(evidence, k1.keyId().owner()).keyId());

            // Devices' requests are not the people's listener's business.
            HttpClient person = HttpClient.newBuilder().sslContext(PinnedTls.trusting(people.identity().certificate()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> there = person.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + people.port() + "/api/v1/devices/"
                    + k1.keyId().owner() + "/keys")).header("Content-Type", "application/jose")
                    .POST(HttpRequest.BodyPublishers.ofString(rotation(k2, SigningKey.generate(new KeyId(k1.keyId().owner(), 3), RANDOM))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, there.statusCode(), there.body());
        }
    }

    /** A key rotation request signed with the device's current key, as the agent's rotate-key sends it. */
    private static String rotation(SigningKey current, SigningKey next) throws Exception {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "key_rotation");
        p.put("device_id", current.keyId().owner());
        p.put("iat", java.time.Instant.now().getEpochSecond());
        p.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        p.set("new_key", JSON.readTree(next.verificationKey().toJwk()));
        return DeviceRequests.sign(current, DeviceRequestsApi.ROTATION_TYP, p.toString().getBytes(StandardCharsets.UTF_8));
    }
}
