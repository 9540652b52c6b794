package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.breathgate.care.access.Actor;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.breathgate.receiver.evidence.db.Database;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.breathgate.receiver.web.api.ApiServer.ADMIN;
import static org.breathgate.receiver.web.api.ApiServer.CP1;
import static org.breathgate.receiver.web.api.ApiServer.CP2;
import static org.breathgate.receiver.web.api.ApiServer.EVERYONE;
import static org.breathgate.receiver.web.api.ApiServer.PARENT;
import static org.breathgate.receiver.web.api.ApiServer.SA;
import static org.breathgate.receiver.web.api.ApiServer.SA_OTHER;
import static org.breathgate.receiver.web.api.ApiServer.TECH;
import static org.breathgate.receiver.web.api.ApiServer.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authorisation matrix through the REST API: each role on each endpoint, and a child-protection worker
 * before, during and after the parent's consent and after its revocation. Refusals that would reveal a client
 * the asker cannot see are 404; the audit log keeps the real reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAuthorisationIT {

    static final Instant START = Instant.parse("2026-02-20T08:00:00Z");
    static final Instant CONSENT_RECORDED = Instant.parse("2026-02-25T10:00:00Z");
    static final Instant BEFORE_PERIOD = Instant.parse("2026-02-27T06:00:00Z");
    static final Instant POSITIVE_AT = Instant.parse("2026-03-09T06:00:00Z");
    static final Instant RETEST_AT = Instant.parse("2026-03-09T06:21:00Z");
    static final Instant MISSED_AT = Instant.parse("2026-03-09T18:00:00Z");
    static final Instant DURING = Instant.parse("2026-03-10T09:00:00Z");
    static final Instant AFTER = Instant.parse("2026-06-02T09:00:00Z");
    static final String CONSENT_BODY = "{\"unit_id\":\"cp-1\",\"valid_from\":\"2026-03-01T00:00:00Z\","
            + "\"valid_until\":\"2026-06-01T00:00:00Z\",\"scopes\":[\"RESULTS\",\"MISSED_TESTS\",\"ALERTS\"]}";
    static final String PERIOD = "?from=2026-02-01&to=2026-03-31";

    private final TestDatabases databases = new TestDatabases();
    private ApiServer server;
    private String consentId;

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(databases, START);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The same server on another database (the matrix runs on both). */
    private void restartOn(Database.Dialect dialect) throws Exception {
        server.close();
        server = new ApiServer(databases, START, dialect);
    }

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    /** The substance-abuse worker records the consent to cp-1 (from 1 March to 1 June) on 25 February. */
    private void recordConsent() throws Exception {
        server.clock.set(CONSENT_RECORDED);
        HttpResponse<String> r = server.json("POST", server.login(SA), "/api/v1/clients/client-a/consents", CONSENT_BODY);
        assertEquals(201, r.statusCode(), r.body());
        consentId = body(r).get("consent_id").asText();
    }

    /** A sober test before the consented period, a confirmed positive (test and failed retest) and a missed test inside it. */
    private void events() throws Exception {
        SampleMessages before = server.home.at(BEFORE_PERIOD);
        ingest(before, before.soberReading(1), BEFORE_PERIOD);
        SampleMessages positive = server.home.at(POSITIVE_AT);
        ingest(positive, positive.positiveReading(2), POSITIVE_AT);
        SampleMessages retest = server.home.at(RETEST_AT);
        Reading template = retest.positiveReading(3);
        ingest(retest, new Reading(template.deviceId(), 3, template.clock(), new TestReason.Retest(2, 2, 1), Outcome.FAIL,
                SampleMessages.POSITIVE_VALUE, SampleMessages.THRESHOLD, null, 4_300, 217, template.sensor()), RETEST_AT);
        SampleMessages missed = server.home.at(MISSED_AT);
        ingest(missed, missed.missedTest(4), MISSED_AT);
    }

    private void ingest(SampleMessages device, org.breathgate.protocol.Message m, Instant at) throws Exception {
        server.clock.set(at.plusSeconds(5));
        server.ingest(device.sign(m), at.plusSeconds(5));
    }

    private List<String> alertKeys(ApiServer.Browser b) throws Exception {
        List<String> keys = new ArrayList<>();
        body(server.get(b, "/api/v1/alerts")).forEach(a -> keys.add(a.get("key").asText()));
        keys.sort(null);
        return keys;
    }

    private HttpResponse<String> timeline(ApiServer.Browser b) throws Exception {
        return server.get(b, "/api/v1/clients/client-a/timeline" + PERIOD);
    }

    @Test
    void a_child_protection_worker_sees_results_only_while_consent_covers_them() throws Exception {
        // Before any consent: the unit cannot even tell the client exists.
        ApiServer.Browser cp = server.login(CP1);
        assertEquals(404, timeline(cp).statusCode());
        assertEquals(0, body(server.get(cp, "/api/v1/clients")).size());
        assertEquals(404, server.get(cp, "/api/v1/clients/client-a/consents").statusCode());

        recordConsent();
        server.clock.set(Instant.parse("2026-02-27T12:00:00Z"));
        cp = server.login(CP1);
        HttpResponse<String> early = timeline(cp);
        assertEquals(403, early.statusCode(), "the consent names the unit, so it may know the client; the period has not begun");
        assertEquals("denied.consent.not_yet_in_force", body(early).get("error").asText());
        assertEquals(0, body(server.get(cp, "/api/v1/clients")).size());
        assertEquals(200, server.get(cp, "/api/v1/clients/client-a/consents").statusCode());

        events();
        server.clock.set(DURING);
        cp = server.login(CP1);
        HttpResponse<String> during = timeline(cp);
        assertEquals(200, during.statusCode(), during.body());
        JsonNode t = body(during);
        List<String> refs = new ArrayList<>();
        t.get("items").forEach(i -> refs.add(i.get("ref").asText()));
        assertEquals(List.of("home-0001#2", "home-0001#3", "home-0001#4"), refs, "the test of 27 February is outside the period");
        assertEquals(0, t.get("withheld").asInt(), "a child-protection worker is never told how many events consent withholds "
                + "(the support request of the period is one)");
        assertEquals("home-0001:1", t.at("/items/0/verification/key_id").asText());
        assertEquals("0.250", t.at("/items/0/breath_alcohol_mg_l").asText());
        JsonNode caseload = body(server.get(cp, "/api/v1/clients"));
        assertEquals(1, caseload.size());
        assertTrue(caseload.at("/0/access").asText().startsWith("allowed.consent"), caseload.toString());
        List<String> inbox = alertKeys(cp);
        assertEquals(List.of("chain:home-0001:2", "missed:home-0001:4"), inbox, "the confirmed positive and the missed test are shared");
        String alertKey = "chain:home-0001:2";
        assertEquals(200, server.getBytes(cp, "/api/v1/clients/client-a/report.pdf" + PERIOD).statusCode());
        HttpResponse<String> ack = server.json("POST", cp, "/api/v1/alerts/" + alertKey + "/acknowledgement",
                "{\"note\":\"Discussed at the home visit.\"}");
        assertEquals(200, ack.statusCode(), ack.body());
        assertEquals("ACKNOWLEDGED", body(ack).get("status").asText());
        assertEquals(404, timeline(server.login(CP2)).statusCode(), "the consent names cp-1 only");

        server.clock.set(AFTER);
        cp = server.login(CP1);
        HttpResponse<String> after = timeline(cp);
        assertEquals(403, after.statusCode());
        assertEquals("denied.consent.expired", body(after).get("error").asText());
        assertEquals(0, body(server.get(cp, "/api/v1/alerts")).size());
        assertEquals(403, server.getBytes(cp, "/api/v1/clients/client-a/report.pdf" + PERIOD).statusCode());
        assertTrue(server.auditCount("access.denied") >= 4, "every refusal is audited");
    }

    @Test
    void a_revocation_takes_everything_away_from_the_unit_at_once() throws Exception {
        recordConsent();
        events();
        server.clock.set(DURING);
        ApiServer.Browser cp = server.login(CP1);
        assertEquals(200, timeline(cp).statusCode());
        assertEquals(2, alertKeys(cp).size());

        HttpResponse<String> revoked = server.json("POST", server.login(PARENT), "/api/v1/consents/" + consentId + "/revocation", "{}");
        assertEquals(201, revoked.statusCode(), revoked.body());
        assertTrue(body(revoked).get("revoked").asBoolean());

        HttpResponse<String> after = timeline(cp);
        assertEquals(403, after.statusCode());
        assertEquals("denied.consent.revoked", body(after).get("error").asText());
        assertEquals(0, body(server.get(cp, "/api/v1/clients")).size());
        assertEquals(0, body(server.get(cp, "/api/v1/alerts")).size(), "no alert reaches the unit after revocation");
        assertEquals(403, server.getBytes(cp, "/api/v1/clients/client-a/report.pdf" + PERIOD).statusCode());
        HttpResponse<String> history = server.get(cp, "/api/v1/clients/client-a/consents");
        assertEquals(200, history.statusCode(), "the unit still sees the history of the consent naming it");
        assertEquals(2, body(history).size());
        assertEquals(200, timeline(server.login(SA)).statusCode(), "the substance-abuse service is not affected");
    }

    /** One endpoint of the matrix: how to call it as a signed-in browser. */
    private record Endpoint(String name, Function<ApiServer.Browser, HttpResponse<?>> call) {
    }

    private Endpoint endpoint(String name, String method, String path, String body) {
        return new Endpoint(name, b -> {
            try {
                return method.equals("GET") ? server.getBytes(b, path) : server.json(method, b, path, body);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void every_role_on_every_endpoint(Database.Dialect dialect) throws Exception {
        if (dialect != Database.Dialect.SQLITE) {
            restartOn(dialect);
        }
        recordConsent();
        events();
        server.clock.set(DURING);
        String alert = "chain:home-0001:2";
        assertTrue(alertKeys(server.login(SA)).contains(alert));

        // Expected answers in the order SA, SA_OTHER, CP1, CP2, TECH, ADMIN, PARENT.
        Map<Endpoint, int[]> matrix = new LinkedHashMap<>();
        matrix.put(endpoint("me", "GET", "/api/v1/me", null), new int[] {200, 200, 200, 200, 200, 200, 200});
        matrix.put(endpoint("caseload", "GET", "/api/v1/clients", null), new int[] {200, 200, 200, 200, 403, 403, 200});
        matrix.put(endpoint("timeline", "GET", "/api/v1/clients/client-a/timeline" + PERIOD, null),
                new int[] {200, 404, 200, 404, 404, 404, 200});
        matrix.put(endpoint("consents", "GET", "/api/v1/clients/client-a/consents", null), new int[] {200, 404, 200, 404, 404, 404, 200});
        matrix.put(endpoint("record consent", "POST", "/api/v1/clients/client-a/consents", CONSENT_BODY),
                new int[] {201, 404, 403, 404, 404, 404, 403});
        matrix.put(endpoint("amend consent", "POST", "/api/v1/consents/" + consentId + "/amendments",
                "{\"valid_from\":\"2026-03-01T00:00:00Z\",\"valid_until\":\"2026-06-01T00:00:00Z\",\"scopes\":[\"RESULTS\","
                        + "\"MISSED_TESTS\",\"ALERTS\"]}"), new int[] {201, 404, 403, 404, 404, 404, 403});
        matrix.put(endpoint("alerts", "GET", "/api/v1/alerts", null), new int[] {200, 200, 200, 200, 200, 200, 200});
        // CP1 would be allowed too, but SA acknowledged the alert first: it is no longer open.
        matrix.put(endpoint("acknowledge", "POST", "/api/v1/alerts/" + alert + "/acknowledgement", "{\"note\":\"Called the parent.\"}"),
                new int[] {200, 404, 409, 404, 404, 404, 403});
        matrix.put(endpoint("excuse", "POST", "/api/v1/devices/home-0001/events/4/excuse", "{\"note\":\"In hospital.\"}"),
                new int[] {201, 404, 403, 404, 404, 404, 403});
        matrix.put(endpoint("schedule", "PUT", "/api/v1/clients/client-a/schedule", "{\"slots\":[{\"at\":\"08:00\"},{\"at\":\"20:00\"}],"
                + "\"random_tests\":{\"per_day\":2,\"from\":\"09:00\",\"until\":\"21:00\",\"window_min\":30}}"),
                new int[] {200, 404, 403, 404, 404, 404, 403});
        matrix.put(endpoint("test request", "POST", "/api/v1/clients/client-a/test-requests", "{\"window_min\":45}"),
                new int[] {201, 404, 403, 404, 404, 404, 403});
        matrix.put(endpoint("threshold", "PUT", "/api/v1/clients/client-a/threshold", "{\"threshold_mg_l\":\"0.220\"}"),
                new int[] {200, 404, 403, 404, 404, 404, 403});
        matrix.put(endpoint("export", "GET", "/api/v1/clients/client-a/export", null), new int[] {200, 404, 403, 404, 404, 404, 200});
        matrix.put(endpoint("report", "GET", "/api/v1/clients/client-a/report.pdf" + PERIOD + "&lang=en", null),
                new int[] {200, 404, 200, 404, 404, 404, 200});
        matrix.put(endpoint("devices", "GET", "/api/v1/devices", null), new int[] {403, 403, 403, 403, 200, 200, 403});
        matrix.put(endpoint("users", "GET", "/api/v1/users", null), new int[] {403, 403, 403, 403, 403, 200, 403});
        matrix.put(endpoint("create user", "POST", "/api/v1/users", "{\"id\":\"worker-sa3\",\"role\":\"SUBSTANCE_ABUSE_WORKER\","
                + "\"organisation_id\":\"sa-1\",\"language\":\"sv\"}"),
                new int[] {403, 403, 403, 403, 403, 201, 403});
        matrix.put(endpoint("open a case", "POST", "/api/v1/clients", "{\"id\":\"client-c\",\"display_name\":\"Parent C\"}"),
                new int[] {201, 409, 403, 403, 403, 403, 403});

        Map<Actor, ApiServer.Browser> browsers = new LinkedHashMap<>();
        for (Actor a : EVERYONE) {
            browsers.put(a, server.login(a));
        }
        List<String> wrong = new ArrayList<>();
        String invitationPath = null;
        for (Map.Entry<Endpoint, int[]> row : matrix.entrySet()) {
            // Refusals first, so that the allowed call (which may change state) comes last.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < EVERYONE.size(); i++) {
                if (row.getValue()[i] >= 400) {
                    order.add(i);
                }
            }
            for (int i = 0; i < EVERYONE.size(); i++) {
                if (row.getValue()[i] < 400) {
                    order.add(i);
                }
            }
            if (row.getKey().name().equals("acknowledge")) {
                order = List.of(1, 3, 4, 5, 6, 0, 2); // SA before CP1
            }
            if (row.getKey().name().equals("open a case")) {
                order = List.of(0, 1, 2, 3, 4, 5, 6); // SA first: then SA_OTHER finds the id taken (ids are global)
            }
            for (int i : order) {
                Actor a = EVERYONE.get(i);
                HttpResponse<?> r = row.getKey().call().apply(browsers.get(a));
                if (r.statusCode() != row.getValue()[i]) {
                    wrong.add(row.getKey().name() + " as " + a.userId() + ": expected " + row.getValue()[i] + ", got " + r.statusCode()
                            + " " + (r.body() instanceof String ? r.body() : ""));
                }
                if (row.getKey().name().equals("create user") && r.statusCode() == 201) {
                    invitationPath = new com.fasterxml.jackson.databind.ObjectMapper().readTree((String) r.body()).path("invitation_path").asText(null);
                }
            }
            HttpResponse<?> anonymous = row.getKey().call().apply(new ApiServer.Browser());
            if (anonymous.statusCode() != 401) {
                wrong.add(row.getKey().name() + " without signing in: expected 401, got " + anonymous.statusCode());
            }
        }
        assertEquals(List.of(), wrong);

        assertEquals(1, body(server.get(browsers.get(SA_OTHER), "/api/v1/clients")).size(), "sa-2 sees its own client only");
        assertEquals("client-b", body(server.get(browsers.get(SA_OTHER), "/api/v1/clients")).at("/0/id").asText());
        assertEquals(0, body(server.get(browsers.get(CP2), "/api/v1/clients")).size());
        assertEquals(0, body(server.get(browsers.get(TECH), "/api/v1/alerts")).size());
        JsonNode devices = body(server.get(browsers.get(TECH), "/api/v1/devices"));
        assertEquals("home-0001", devices.at("/0/device_id").asText());
        assertTrue(devices.at("/0/lent").asBoolean());
        assertTrue(server.published.stream().anyMatch(t -> t.contains("home-0001") && t.contains("config")), "the schedule went out: "
                + server.published);
        assertEquals("sa-1", body(server.get(browsers.get(SA), "/api/v1/clients")).findValuesAsText("organisation_id").stream().distinct()
                .reduce("", String::concat), "the new case is in the worker's own organisation");
        // Nobody typed a password for the new account: it signs in only after its person accepted the invitation.
        assertEquals(401, server.jsonLogin("worker-sa3", "a long enough password").statusCode(), "no password before the invitation");
        assertNotNull(invitationPath, "the administrator's answer carries the invitation link");
        String code = invitationPath.substring(invitationPath.indexOf("code=") + "code=".length());
        server.care.signIn().acceptInvitation(code, "a long enough password".toCharArray(), "127.0.0.1");
        assertEquals(200, server.jsonLogin("worker-sa3", "a long enough password").statusCode(), "the new account can sign in");
        assertTrue(server.published.stream().anyMatch(t -> t.equals("breathgate/v1/devices/home-0001/down/test_request")),
                "the test request went out: " + server.published);
        assertEquals(1, server.auditCount("test.requested"));
        assertEquals(2, body(server.json("POST", browsers.get(SA), "/api/v1/clients/client-a/test-requests", "{}")).get("request").asInt(),
                "numbers increase per device");
        assertEquals(1, server.auditCount("user.created"));
        assertEquals(1, server.auditCount("alert_rules.changed"));
        assertEquals("0.220", body(server.get(browsers.get(SA), "/api/v1/clients")).at("/0/threshold_mg_l").asText());
        assertEquals("0.50", body(server.get(browsers.get(SA), "/api/v1/clients")).at("/0/threshold_per_mille").asText(),
                "0.22 mg/L is 0.5 per mille by FI-RL-23");
        assertEquals(1, server.auditCount("client.created"));
        assertTrue(server.auditCount("report.exported") >= 3);
        assertTrue(server.auditCount("client_data.exported") >= 2);
    }

    @Test
    void malformed_bodies_do_not_reveal_clients_the_asker_cannot_see() throws Exception {
        recordConsent();
        server.clock.set(DURING);
        ApiServer.Browser other = server.login(SA_OTHER);
        assertEquals(404, server.json("POST", other, "/api/v1/clients/client-a/consents", "{\"unit_id\":42}").statusCode());
        assertEquals(404, server.json("POST", other, "/api/v1/clients/no-such-client/consents", "{\"unit_id\":42}").statusCode());
        assertEquals(404, server.json("PUT", other, "/api/v1/clients/client-a/schedule", "not json").statusCode());
        ApiServer.Browser sa = server.login(SA);
        HttpResponse<String> invalid = server.json("POST", sa, "/api/v1/clients/client-a/consents", "{\"unit_id\":42}");
        assertEquals(400, invalid.statusCode());
        assertEquals("invalid_request", body(invalid).get("error").asText());
        HttpResponse<String> backwards = server.json("POST", sa, "/api/v1/clients/client-a/consents", "{\"unit_id\":\"cp-1\","
                + "\"valid_from\":\"2026-06-01T00:00:00Z\",\"valid_until\":\"2026-03-01T00:00:00Z\",\"scopes\":[\"RESULTS\"]}");
        assertEquals(400, backwards.statusCode(), backwards.body());
        assertEquals(400, server.get(sa, "/api/v1/clients/client-a/timeline?from=yesterday").statusCode());
        assertEquals(400, server.get(sa, "/api/v1/clients/client-a/timeline?from=2020-01-01&to=2026-01-01").statusCode(), "too long");
        assertEquals(404, server.json("POST", sa, "/api/v1/devices/home-0001/events/999/excuse", "{\"note\":\"x\"}").statusCode());
        assertEquals(400, server.json("PUT", sa, "/api/v1/clients/client-a/threshold", "{\"threshold_mg_l\":\"0.1005\"}").statusCode());
        assertEquals(400, server.json("PUT", sa, "/api/v1/clients/client-a/threshold", "{\"threshold_mg_l\":\"5\"}").statusCode());
        assertEquals(404, server.json("PUT", other, "/api/v1/clients/client-a/threshold", "{\"threshold_mg_l\":\"x\"}").statusCode());
        assertEquals(400, server.json("POST", sa, "/api/v1/clients/client-a/test-requests", "{\"window_min\":600}").statusCode());
        assertEquals(404, server.json("POST", other, "/api/v1/clients/client-a/test-requests", "{\"window_min\":600}").statusCode());
        assertEquals(400, server.json("PUT", sa, "/api/v1/clients/client-a/schedule", "{\"slots\":[{\"at\":\"08:00\"}],"
                + "\"random_tests\":{\"per_day\":12,\"from\":\"09:00\",\"until\":\"10:00\",\"window_min\":30}}").statusCode(),
                "twelve half-hour windows do not fit in an hour");
    }
}
