package org.breathgate.receiver.ingest.deviceapi;

import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.https.TlsIdentity;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.testkit.ManualClock;
import org.breathgate.testkit.TestKeys;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The receiver's HTTPS API (enrollment and signed device requests) on a real database and a free
 * loopback port, with an HTTP client that trusts exactly the server's certificate, as a device
 * pinning its fingerprint does.
 */
final class EnrollmentServer implements AutoCloseable {

    static final String TOKEN = "test-admin-token-0123456789abcdefghijklmnop";

    final ManualClock clock;
    final Database database;
    final DeviceRegistry registry;
    final HttpsServer web;
    final HttpClient http;
    /** The certificate the server presented on the last handshake. */
    final AtomicReference<X509Certificate> presented = new AtomicReference<>();

    private EnrollmentServer(TestDatabases databases, Database.Dialect dialect, ManualClock clock, DeviceAttestation attestation)
            throws Exception {
        this.clock = clock;
        this.database = databases.open(dialect);
        try {
            registry = new DeviceRegistry(database, clock);
            TlsIdentity identity = TlsIdentity.loadOrCreate(databases.newFolder(), List.of("receiver.test"));
            EnrollmentSettings settings = new EnrollmentSettings(URI.create("https://receiver.test:8443"),
                    URI.create("ssl://mqtt.test:8883"), identity.certificatePem(), List.of(TestKeys.receiver().verificationKey()),
                    EnrollmentSettings.DEFAULT_EXPIRY, EnrollmentSettings.MAX_EXPIRY);
            web = HttpsServer.start(HttpsServer.Settings.loopbackAnyPort(), identity, List.of(
                    new EnrollmentApi(new EnrollmentService(database, registry, clock, new SecureRandom(), org.breathgate.receiver.ingest.broker.BrokerAccounts.none()), settings,
                            AdminToken.of(TOKEN), identity.fingerprint(), new FailureLimiter(10, Duration.ofMinutes(10), clock), attestation),
                    new DeviceRequestsApi(database, registry, clock, org.breathgate.receiver.ingest.broker.BrokerAccounts.none(),
                            attestation != null ? attestation : DeviceAttestation.notOffered(clock))));
            http = HttpClient.newBuilder().sslContext(pinnedTo(identity.certificate())).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    static EnrollmentServer start(TestDatabases databases, Database.Dialect dialect, ManualClock clock) throws Exception {
        return new EnrollmentServer(databases, dialect, clock, null);
    }

    /** With TPM attestation as {@code attestation} offers (or requires) it. */
    static EnrollmentServer start(TestDatabases databases, Database.Dialect dialect, ManualClock clock, DeviceAttestation attestation)
            throws Exception {
        return new EnrollmentServer(databases, dialect, clock, attestation);
    }

    private SSLContext pinnedTo(X509Certificate expected) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                presented.set(chain[0]);
                if (!chain[0].equals(expected)) {
                    throw new CertificateException("not the receiver's certificate");
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        // The certificate is pinned, so the host name (127.0.0.1 vs receiver.test) does not matter.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        return tls;
    }

    HttpResponse<String> post(String path, String contentType, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + web.port() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        web.close();
        database.close();
    }
}
