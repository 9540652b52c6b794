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
    void five_failures_are_free_and_the_sixth_makes_the_next_attempt_wait_even_with_the_right_password() throws Exception {
        for (int i = 0; i < 6; i++) {
            assertEquals(401, server.jsonLogin(SA.userId(), "guess-" + i).statusCode());
        }
        HttpResponse<String> right = server.jsonLogin(SA.userId(), PASSWORD);
        assertEquals(429, right.statusCode(), "slowed: the right password is not even checked");
        assertEquals("login_locked", body(right).get("error").asText());
        assertEquals("31", right.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(1, server.auditCount("login.slowed"), "one entry when the delays begin, not one per attempt");

        server.clock.advance(Duration.ofSeconds(30));
        assertEquals(200, server.jsonLogin(SA.userId(), PASSWORD).statusCode(), "no lock: after the wait the right password works");
    }

    @Test
    void the_throttle_is_in_the_database_so_a_restarted_receiver_remembers_it() throws Exception {
        for (int i = 0; i < 6; i++) {
            server.jsonLogin(SA.userId(), "guess-" + i);
        }
        try (ApiServer restarted = server.restartedOnSameDatabase()) {
            assertEquals(429, restarted.jsonLogin(SA.userId(), PASSWORD).statusCode());
        }
    }

    @Test
    void an_unknown_user_name_is_slowed_the_same_way() throws Exception {
        HttpResponse<String> last = null;
        for (int i = 0; i < 7; i++) {
            last = server.jsonLogin("nobody-at-all", "guess-" + i);
        }
        assertEquals(429, last.statusCode());
        assertEquals("login_locked", body(last).get("error").asText());
    }

    @Test
    void attempts_racing_in_parallel_are_counted_one_by_one_so_no_more_than_the_free_ones_are_checked() throws Exception {
        int threads = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return server.jsonLogin(SA.userId(), "parallel-guess-" + n).statusCode();
                }));
            }
            go.countDown();
            int checked = 0;
            int slowed = 0;
            for (java.util.concurrent.Future<Integer> f : answers) {
                int status = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (status == 401) {
                    checked++;
                } else if (status == 429) {
                    slowed++;
                }
            }
            assertEquals(6, checked, "5 free failures and the one that starts the delay; the rest were refused unchecked");
            assertEquals(threads - 6, slowed);
            assertEquals(6, server.auditCount("login.failed"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_forwarded_for_header_from_a_client_that_is_no_trusted_proxy_is_ignored() throws Exception {
        for (int i = 0; i < 6; i++) {
            server.send("POST", "/api/v1/session", null, "application/json", "{\"username\":\"" + SA.userId() + "\",\"password\":\"g" + i
                    + "\"}", Map.of("X-Forwarded-For", "198.51.100." + i));
        }
        assertEquals(429, server.jsonLogin(SA.userId(), PASSWORD).statusCode(), "the claimed addresses did not give fresh counts");
        assertTrue(server.audit.entries().stream().filter(e -> e.action().equals("login.failed")).allMatch(e -> e.detail().contains("127.0.0.1")));
    }

    @Test
    void behind_a_trusted_proxy_the_forwarded_client_address_is_the_one_counted() throws Exception {
        try (ApiServer proxied = server.restartedOnSameDatabase(org.breathgate.receiver.web.auth.TrustedProxies.of(List.of("127.0.0.0/8")))) {
            for (int i = 0; i < 6; i++) {
                proxied.send("POST", "/api/v1/session", null, "application/json", "{\"username\":\"" + SA.userId() + "\",\"password\":\"g"
                        + i + "\"}", Map.of("X-Forwarded-For", "203.0.113.7, 127.0.0.2"));
            }
            HttpResponse<String> elsewhere = proxied.send("POST", "/api/v1/session", null, "application/json", "{\"username\":\""
                    + SA.userId() + "\",\"password\":\"" + PASSWORD + "\"}", Map.of("X-Forwarded-For", "192.0.2.55"));
            assertEquals(200, elsewhere.statusCode(), "the worker at another address behind the same proxy is not slowed: " + elsewhere.body());
            HttpResponse<String> guesser = proxied.send("POST", "/api/v1/session", null, "application/json", "{\"username\":\""
                    + SA.userId() + "\",\"password\":\"" + PASSWORD + "\"}", Map.of("X-Forwarded-For", "203.0.113.7"));
            assertEquals(429, guesser.statusCode(), "the guessing address is");
            assertTrue(proxied.audit.entries().stream().anyMatch(e -> e.action().equals("login.failed") && e.detail().contains("203.0.113.7")));
        }
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

    @Test
    void a_session_made_on_one_receiver_is_valid_on_another_on_the_same_database_and_survives_a_restart() throws Exception {
        ApiServer.Browser b = server.login(SA);
        try (ApiServer other = server.restartedOnSameDatabase()) {
            HttpResponse<String> me = other.get(b, "/api/v1/me");
            assertEquals(200, me.statusCode(), me.body());
            assertEquals(204, other.json("DELETE", b, "/api/v1/session", null).statusCode(), "the CSRF token is shared too");
        }
        assertEquals(401, server.get(b, "/api/v1/me").statusCode(), "signed out on the other instance means signed out here");
    }

    @Test
    void staff_without_an_authenticator_are_told_to_set_one_up_and_with_one_need_its_code() throws Exception {
        try (ApiServer strict = ApiServer.requiringSecondFactor(databases, START)) {
            HttpResponse<String> first = strict.jsonLogin(SA.userId(), PASSWORD);
            assertEquals(403, first.statusCode(), first.body());
            assertEquals("second_factor_setup_required", body(first).get("error").asText());

            byte[] secret = enrolTotp(strict, SA.userId());
            HttpResponse<String> noCode = strict.jsonLogin(SA.userId(), PASSWORD);
            assertEquals(401, noCode.statusCode());
            assertEquals("second_factor_required", body(noCode).get("error").asText());

            org.breathgate.care.account.Totp totp = new org.breathgate.care.account.Totp();
            strict.clock.advance(Duration.ofSeconds(30)); // the set-up used the current step's code
            String code = totp.code(secret, org.breathgate.care.account.Totp.stepOf(strict.clock.instant()));
            HttpResponse<String> ok = strict.send("POST", "/api/v1/session", null, "application/json",
                    "{\"username\":\"" + SA.userId() + "\",\"password\":\"" + PASSWORD + "\",\"totp\":\"" + code + "\"}", Map.of());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("password+totp", body(ok).get("method").asText());
            HttpResponse<String> replay = strict.send("POST", "/api/v1/session", null, "application/json",
                    "{\"username\":\"" + SA.userId() + "\",\"password\":\"" + PASSWORD + "\",\"totp\":\"" + code + "\"}", Map.of());
            assertEquals(401, replay.statusCode(), "a code works once");

            HttpResponse<String> parent = strict.jsonLogin(ApiServer.PARENT.userId(), PASSWORD);
            assertEquals(200, parent.statusCode(), "parents are not asked for a second factor");
        }
    }

    @Test
    void a_recovery_code_signs_in_once_in_place_of_the_authenticator() throws Exception {
        try (ApiServer strict = ApiServer.requiringSecondFactor(databases, START)) {
            org.breathgate.receiver.care.signin.SignIn signIn = strict.care.signIn();
            org.breathgate.receiver.care.signin.SignIn.TotpSetup setup = signIn.newTotp(ApiServer.ADMIN.userId());
            byte[] secret = strict.secret.open(setup.sealed());
            String code = new org.breathgate.care.account.Totp().code(secret, org.breathgate.care.account.Totp.stepOf(strict.clock.instant()));
            List<String> recovery = signIn.confirmTotp(ApiServer.ADMIN.userId(), setup.sealed(), code, "127.0.0.1").recoveryCodes();
            assertEquals(10, recovery.size());
            String body = "{\"username\":\"" + ApiServer.ADMIN.userId() + "\",\"password\":\"" + PASSWORD + "\",\"totp\":\""
                    + recovery.get(3).toUpperCase() + "\"}";
            HttpResponse<String> ok = strict.send("POST", "/api/v1/session", null, "application/json", body, Map.of());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("password+recovery_code", body(ok).get("method").asText());
            assertEquals(401, strict.send("POST", "/api/v1/session", null, "application/json", body, Map.of()).statusCode(),
                    "each recovery code works once");
        }
    }

    /** Sets up an authenticator for {@code userId} as the set-up page does; returns its secret. */
    private static byte[] enrolTotp(ApiServer strict, String userId) {
        org.breathgate.receiver.care.signin.SignIn.TotpSetup setup = strict.care.signIn().newTotp(userId);
        byte[] secret = strict.secret.open(setup.sealed());
        String code = new org.breathgate.care.account.Totp().code(secret, org.breathgate.care.account.Totp.stepOf(strict.clock.instant()));
        assertEquals(org.breathgate.receiver.care.signin.SignIn.Outcome.SIGNED_IN,
                strict.care.signIn().confirmTotp(userId, setup.sealed(), code, "127.0.0.1").outcome());
        return secret;
    }
}
