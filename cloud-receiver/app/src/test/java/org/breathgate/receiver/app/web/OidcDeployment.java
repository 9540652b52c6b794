package org.breathgate.receiver.app.web;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.signin.IdentityBindings;
import org.breathgate.receiver.care.signin.Invitations;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.Ports;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running receiver that signs people in through a real OpenID Connect provider in the test JVM (NAV's mock-oauth2-server
 * on loopback, plain HTTP): issuers {@code staff-idp} (the organisation's single sign-on for {@code sa-1}, multi-factor
 * required, {@code amr} {@code mfa}), {@code other-idp} (another organisation's, also allowed for {@code sa-1}) and
 * {@code suomifi} (parents: the personal identity code in claim {@code urn:oid:1.2.246.21}). The worker {@code anna} is
 * bound to {@code staff-idp}'s subject {@code anna-sub}; client {@code client-a}'s parent has a one-time code {@link #parentCode}.
 */
final class OidcDeployment implements AutoCloseable {

    static final String CLIENT_ID = "breathgate";
    static final String CLIENT_SECRET = "a client secret at least 32 bytes long, for HS256";
    static final Actor ANNA = Actor.substanceAbuseWorker("anna", "sa-1");
    static final String ANNA_SUB = "anna-sub";

    final TestDatabases databases = new TestDatabases();
    /** Token answers a test forges (an unsigned or HMAC-signed ID token, claims the provider would not issue): served once each. */
    final java.util.Deque<String> forgedTokenAnswers = new java.util.concurrent.ConcurrentLinkedDeque<>();
    final MockOAuth2Server idp = new MockOAuth2Server(new no.nav.security.mock.oauth2.OAuth2Config(), new ForgedTokenRoute(forgedTokenAnswers));

    /** The provider's token endpoint answering with a forged body while one is queued (as a compromised provider or network would). */
    private static final class ForgedTokenRoute implements no.nav.security.mock.oauth2.http.Route {
        private final java.util.Deque<String> answers;

        ForgedTokenRoute(java.util.Deque<String> answers) {
            this.answers = answers;
        }

        @Override
        public boolean match(no.nav.security.mock.oauth2.http.OAuth2HttpRequest request) {
            return request.getMethod().equals("POST") && request.getUrl().encodedPath().endsWith("/token") && !answers.isEmpty();
        }

        @Override
        public no.nav.security.mock.oauth2.http.OAuth2HttpResponse invoke(no.nav.security.mock.oauth2.http.OAuth2HttpRequest request) {
            return new no.nav.security.mock.oauth2.http.OAuth2HttpResponse(okhttp3.Headers.of("Content-Type", "application/json"), 200,
                    answers.poll(), null);
        }
    }
    final Receiver receiver;
    final String baseUrl;
    final String parentCode;

    OidcDeployment() throws Exception {
        idp.start(InetAddress.getByName("127.0.0.1"), Ports.free());
        try {
            Path data = databases.newFolder();
            Path secret = Files.writeString(data.resolve("oidc-client-secret"), CLIENT_SECRET + "\n");
            Map<String, String> s = new HashMap<>();
            s.put(ReceiverConfig.DATA_DIR, data.toString());
            s.put(ReceiverConfig.JDBC_URL, databases.newUrl(Database.Dialect.SQLITE));
            s.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
            s.put(ReceiverConfig.MQTT_CLIENT_ID, "oidc-it");
            s.put(ReceiverConfig.WEB_PORT, "0");
            s.put(ReceiverConfig.DEVICE_API_ENABLED, "false");
            for (String[] p : List.of(new String[] {"staff", "staff-idp", "staff"}, new String[] {"other", "other-idp", "staff"},
                    new String[] {"suomifi", "suomifi", "parents"})) {
                String k = ReceiverConfig.SIGNIN_OIDC_PREFIX + p[0] + ".";
                s.put(k + "issuer", idp.issuerUrl(p[1]).toString().replaceFirst("/$", ""));
                s.put(k + "client-id", CLIENT_ID);
                s.put(k + "client-secret-file", secret.toString());
                s.put(k + "for", p[2]);
                s.put(k + "name", p[0].equals("suomifi") ? "Suomi.fi" : p[0].equals("staff") ? "Lapin hyvinvointialue" : "Toinen alue");
                if (p[2].equals("staff")) {
                    s.put(k + "organisations", "sa-1");
                }
            }
            receiver = Receiver.start(ReceiverConfig.from(s), Clock.systemUTC(), List.of());
            baseUrl = "https://127.0.0.1:" + receiver.web().orElseThrow().port();
            Database db = receiver.database();
            new Organisations(db).add(new Organisation("sa-1", "Sodankylän päihdepalvelut", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Organisations(db).add(new Organisation("sa-2", "Toinen palvelu", OrganisationKind.SUBSTANCE_ABUSE_SERVICE));
            new Clients(db).add(Client.open("client-a", "Parent A", "sa-1"), Instant.now().minus(Duration.ofDays(3)));
            new Users(db, new org.breathgate.care.account.PasswordHasher(new org.breathgate.care.account.PasswordHasher.Cost(64, 1, 1),
                    new SecureRandom())).add(ANNA, null, Instant.now());
            parentCode = Invitations.newCode(new SecureRandom());
            Sql.write(db, "seeding bindings", c -> {
                IdentityBindings.bind(c, "staff", "sub", ANNA_SUB, ANNA.userId(), "test", Instant.now());
                Invitations.insert(c, parentCode, "parent_identity", null, "client-a", "test", Instant.now(), Invitations.PARENT_LIFETIME);
                return null;
            });
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The next token the provider issues: {@code subject} with {@code claims} (e.g. {@code amr}), for {@code issuerId}. */
    void next(String issuerId, String subject, Map<String, Object> claims) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(CLIENT_ID), claims, 3600));
    }

    /** A new one-time code for a parent of {@code clientId}. */
    String newParentCode(String clientId) {
        String code = Invitations.newCode(new SecureRandom());
        Sql.write(receiver.database(), "a parent code", c -> {
            Invitations.insert(c, code, "parent_identity", null, clientId, "test", Instant.now(), Invitations.PARENT_LIFETIME);
            return null;
        });
        return code;
    }

    @Override
    public void close() {
        try {
            if (receiver != null) {
                receiver.close();
            }
        } finally {
            idp.shutdown();
            databases.close();
        }
    }
}
