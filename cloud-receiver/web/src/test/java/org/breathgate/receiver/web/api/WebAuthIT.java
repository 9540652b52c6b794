package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.web.auth.WebAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.breathgate.receiver.web.api.ApiServer.PASSWORD;
import static org.breathgate.receiver.web.api.ApiServer.SA;
import static org.breathgate.receiver.web.api.ApiServer.body;
import static org.breathgate.receiver.web.api.ApiServer.cookieOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign-in, sessions and CSRF over real HTTPS against a real database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAuthIT {

    private static final Instant START = Instant.parse("2026-03-10T08:00:00Z");

    private final TestDatabases databases = new TestDatabases();
    private ApiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(databases, START);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    @Test
    void json_sign_in_sets_a_strict_host_cookie_and_sign_out_ends_the_session() throws Exception {
        HttpResponse<String> r = server.jsonLogin(SA.userId(), PASSWORD);
        assertEquals(200, r.statusCode(), r.body());
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith(WebAuth.COOKIE)).findFirst().orElseThrow();
        for (String attribute : List.of("Path=/", "Secure", "HttpOnly", "SameSite=Strict")) {
            assertTrue(setCookie.contains(attribute), setCookie);
        }
        assertFalse(setCookie.toLowerCase().contains("domain="), setCookie);
        JsonNode session = body(r);
        assertEquals("worker-sa", session.at("/user/id").asText());
        assertEquals("SUBSTANCE_ABUSE_WORKER", session.at("/user/role").asText());
        ApiServer.Browser b = new ApiServer.Browser(cookieOf(r), session.get("csrf_token").asText());
        assertEquals(43, b.cookie.length(), "a 256-bit id in base64url");

        HttpResponse<String> me = server.get(b, "/api/v1/me");
        assertEquals(200, me.statusCode());
        assertEquals("sa-1", body(me).get("organisation_id").asText());

        assertEquals(403, server.send("DELETE", "/api/v1/session", b, null, null, Map.of()).statusCode(), "sign-out needs the CSRF token");
        assertEquals(204, server.json("DELETE", b, "/api/v1/session", null).statusCode());
        assertEquals(401, server.get(b, "/api/v1/me").statusCode(), "the old cookie is dead after sign-out");
        assertEquals(1, server.auditCount("login.succeeded"));
        assertEquals(1, server.auditCount("logout"));
    }

    @Test
    void unknown_user_and_wrong_password_get_the_same_answer() throws Exception {
        HttpResponse<String> wrong = server.jsonLogin(SA.userId(), "not the password");
        HttpResponse<String> unknown = server.jsonLogin("nobody-at-all", "not the password");
        assertEquals(401, wrong.statusCode());
        assertEquals(wrong.statusCode(), unknown.statusCode());
        assertEquals(wrong.body(), unknown.body());
        assertNull(cookieOf(wrong));
        assertEquals(2, server.auditCount("login.failed"));
        assertTrue(server.audit.entries().stream().anyMatch(e -> e.action().equals("login.failed") && e.subjectId().equals("unknown")),
                "an unknown name is not written into the audit log (it may be a mistyped password)");
        assertEquals(401, server.get(null, "/api/v1/me").statusCode());
    }

    @Test
    void five_failures_lock_the_account_also_against_the_right_password_until_the_lock_ends() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(401, server.jsonLogin(SA.userId(), "guess-" + i).statusCode());
        }
        HttpResponse<String> fifth = server.jsonLogin(SA.userId(), "guess-4");
        assertEquals(429, fifth.statusCode(), fifth.body());
        assertEquals("login_locked", body(fifth).get("error").asText());
        assertEquals("900", fifth.headers().firstValue("Retry-After").orElseThrow());
        HttpResponse<String> right = server.jsonLogin(SA.userId(), PASSWORD);
        assertEquals(429, right.statusCode(), "locked: the right password is not even checked");
        assertEquals(Instant.parse("2026-03-10T08:15:00Z"), server.users.find(SA.userId()).orElseThrow().lockedUntil(),
                "the lock is stored with the account (survives a restart)");
        assertTrue(server.auditCount("account.locked") >= 1);

        server.clock.advance(Duration.ofMinutes(15));
        assertEquals(200, server.jsonLogin(SA.userId(), PASSWORD).statusCode());
        assertNull(server.users.find(SA.userId()).orElseThrow().lockedUntil(), "a successful sign-in clears the stored lock");
    }

    @Test
    void an_unknown_user_name_is_locked_the_same_way() throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 5; i++) {
            last = server.jsonLogin("nobody-at-all", "guess-" + i);
        }
        assertEquals(429, last.statusCode());
        assertEquals("login_locked", body(last).get("error").asText());
    }

    @Test
    void form_sign_in_issues_a_new_session_id_so_a_planted_pre_login_cookie_is_worthless() throws Exception {
        HttpResponse<String> page = server.get(null, WebAuth.LOGIN_PATH);
        String preLogin = cookieOf(page);
        assertNotNull(preLogin, "the login page starts a pre-login session for the form's CSRF token");
        String token = page.body().substring("csrf=".length());
        ApiServer.Browser b = new ApiServer.Browser(preLogin, token);

        HttpResponse<String> signedIn = server.form(b, WebAuth.LOGIN_PATH, Map.of("username", SA.userId(), "password", PASSWORD,
                "_csrf", token, "next", "/clients/client-a"));
        assertEquals(303, signedIn.statusCode());
        assertEquals("/clients/client-a", signedIn.headers().firstValue("Location").orElseThrow());
        String after = cookieOf(signedIn);
        assertNotNull(after);
        assertNotEquals(preLogin, after);

        assertEquals(401, server.get(new ApiServer.Browser(preLogin, null), "/api/v1/me").statusCode(),
                "the cookie from before sign-in (e.g. planted by an attacker) is not signed in");
        assertEquals(200, server.get(new ApiServer.Browser(after, null), "/api/v1/me").statusCode());
    }

    @Test
    void form_sign_in_refuses_a_missing_token_and_never_redirects_off_site() throws Exception {
        HttpResponse<String> page = server.get(null, WebAuth.LOGIN_PATH);
        ApiServer.Browser b = new ApiServer.Browser(cookieOf(page), null);
        HttpResponse<String> noToken = server.form(b, WebAuth.LOGIN_PATH, Map.of("username", SA.userId(), "password", PASSWORD));
        assertEquals(303, noToken.statusCode());
        assertEquals("/login?error=expired", noToken.headers().firstValue("Location").orElseThrow());
        assertNull(cookieOf(noToken));
        assertEquals(0, server.auditCount("login.succeeded"), "the password was not even tried");

        String token = page.body().substring("csrf=".length());
        HttpResponse<String> wrong = server.form(b, WebAuth.LOGIN_PATH, Map.of("username", SA.userId(), "password", "nope", "_csrf", token));
        assertEquals("/login?error=failed", wrong.headers().firstValue("Location").orElseThrow());

        for (String evil : List.of("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)")) {
            HttpResponse<String> r = server.form(b, WebAuth.LOGIN_PATH, Map.of("username", SA.userId(), "password", PASSWORD,
                    "_csrf", token, "next", evil));
            assertEquals(303, r.statusCode());
            assertEquals("/", r.headers().firstValue("Location").orElseThrow(), evil);
            HttpResponse<String> again = server.get(null, WebAuth.LOGIN_PATH); // a fresh pre-login session for the next try
            b = new ApiServer.Browser(cookieOf(again), null);
            token = again.body().substring("csrf=".length());
        }
    }

    @Test
    void unsafe_requests_with_a_session_need_its_csrf_token_as_header_or_form_field() throws Exception {
        ApiServer.Browser b = server.login(SA);
        String consent = "{\"unit_id\":\"cp-1\",\"valid_from\":\"2026-03-01T00:00:00Z\",\"valid_until\":\"2026-06-01T00:00:00Z\","
                + "\"scopes\":[\"RESULTS\"]}";
        HttpResponse<String> none = server.send("POST", "/api/v1/clients/client-a/consents", b, "application/json", consent, Map.of());
        assertEquals(403, none.statusCode());
        assertEquals("csrf_failed", body(none).get("error").asText());
        HttpResponse<String> wrong = server.send("POST", "/api/v1/clients/client-a/consents", b, "application/json", consent,
                Map.of(WebAuth.CSRF_HEADER, b.csrf.substring(1) + "A"));
        assertEquals(403, wrong.statusCode());
        ApiServer.Browser other = server.login(ApiServer.CP1);
        assertEquals(403, server.send("POST", "/api/v1/clients/client-a/consents", b, "application/json", consent,
                Map.of(WebAuth.CSRF_HEADER, other.csrf)).statusCode(), "another session's token does not do");
        assertEquals(0, server.auditCount("consent.recorded"), "nothing ran");
        assertEquals(201, server.json("POST", b, "/api/v1/clients/client-a/consents", consent).statusCode());

        HttpResponse<String> formNoToken = server.form(b, WebAuth.LOGOUT_PATH, Map.of());
        assertEquals(403, formNoToken.statusCode());
        assertEquals(200, server.get(b, "/api/v1/me").statusCode(), "still signed in");
        HttpResponse<String> formLogout = server.form(b, WebAuth.LOGOUT_PATH, Map.of("_csrf", b.csrf));
        assertEquals(303, formLogout.statusCode());
        assertEquals("/login?signed_out=1", formLogout.headers().firstValue("Location").orElseThrow());
        assertEquals(401, server.get(b, "/api/v1/me").statusCode());
    }

    @Test
    void json_sign_in_demands_application_json_so_a_cross_site_form_cannot_post_it() throws Exception {
        HttpResponse<String> r = server.send("POST", "/api/v1/session", null, "text/plain",
                "{\"username\":\"worker-sa\",\"password\":\"" + PASSWORD + "\"}", Map.of());
        assertEquals(415, r.statusCode());
        assertNull(cookieOf(r));
    }

    @Test
    void a_session_ends_after_thirty_idle_minutes_and_twelve_hours_in_all() throws Exception {
        ApiServer.Browser b = server.login(SA);
        server.clock.advance(Duration.ofMinutes(29));
        assertEquals(200, server.get(b, "/api/v1/me").statusCode());
        server.clock.advance(Duration.ofMinutes(29));
        assertEquals(200, server.get(b, "/api/v1/me").statusCode(), "each request restarts the idle time");
        server.clock.advance(Duration.ofMinutes(30));
        HttpResponse<String> idle = server.get(b, "/api/v1/me");
        assertEquals(401, idle.statusCode());
        assertTrue(body(idle).get("message").asText().contains("ended"), idle.body());
        assertEquals(1, server.auditCount("session.expired"));

        ApiServer.Browser busy = server.login(SA);
        for (int i = 0; i < 12 * 3 - 1; i++) {
            server.clock.advance(Duration.ofMinutes(20));
            assertEquals(200, server.get(busy, "/api/v1/me").statusCode(), "after " + (i + 1) * 20 + " minutes");
        }
        server.clock.advance(Duration.ofMinutes(20));
        assertEquals(401, server.get(busy, "/api/v1/me").statusCode(), "twelve hours after sign-in, however busy");
    }

    @Test
    void a_page_sends_a_visitor_without_a_session_to_sign_in_and_back() throws Exception {
        HttpResponse<String> anonymous = server.get(null, "/test-page?week=2026-W10");
        assertEquals(303, anonymous.statusCode());
        assertEquals("/login?next=%2Ftest-page%3Fweek%3D2026-W10", anonymous.headers().firstValue("Location").orElseThrow());
        ApiServer.Browser b = server.login(SA);
        HttpResponse<String> page = server.get(b, "/test-page");
        assertEquals(200, page.statusCode());
        assertEquals("hello worker-sa", page.body());
        server.clock.advance(Duration.ofMinutes(31));
        assertEquals("/login?error=expired&next=%2Ftest-page", server.get(b, "/test-page").headers().firstValue("Location").orElseThrow());
    }

    @Test
    void a_removed_account_loses_its_session() throws Exception {
        ApiServer.Browser b = server.login(ApiServer.TECH);
        assertEquals(200, server.get(b, "/api/v1/me").statusCode());
        int removed = server.database.inTransaction(conn -> {
            try (var s = conn.prepareStatement("delete from care_users where id = 'tech-1'")) {
                return s.executeUpdate();
            }
        });
        assertEquals(1, removed);
        assertEquals(401, server.get(b, "/api/v1/me").statusCode());
    }
}
