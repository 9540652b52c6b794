package org.breathgate.receiver.web.api;

import org.breathgate.receiver.care.alert.Alerts;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.caseload.Caseloads;
import org.breathgate.receiver.care.devices.DeviceHealth;
import org.breathgate.receiver.care.timeline.TimelineView;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.Schedule;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.receiver.evidence.device.Device;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.care.report.PdfReport;
import org.breathgate.receiver.evidence.store.LatestStatus;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.WebAuth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The REST API under {@code /api/v1/} behind the pages, documented in {@code docs/openapi.yaml} (served at
 * {@code /api/v1/openapi.yaml}) and {@code docs/api.md}. Every endpoint needs a signed-in session
 * ({@link WebAuth}); every care operation goes through the care room ({@link Care}), whose gate asks the care rules'
 * access policy and audits: nothing is decided here but the form of an answer. Refusals: 403 with the policy's code (e.g. {@code denied.consent.revoked})
 * when the refusal tells the asker nothing they may not know; 404 {@code not_found} when the thing does
 * not exist <em>or</em> the refusal would reveal that it exists (another organisation's client, a unit
 * without consent, a role that has nothing to do with clients). The audit log keeps the real reason.
 */
public final class ApiRoutes implements HttpsRoutes {

    public static final String PREFIX = "/api/v1";
    /** The largest period one timeline or report request may span. */
    static final Duration MAX_PERIOD = Duration.ofDays(400);
    static final Duration DEFAULT_PERIOD = Duration.ofDays(28);
    /** Instants accepted from requests: far enough to hold any real date, near enough that no arithmetic overflows. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");
    private static final int MAX_NOTE = 2000;
    /** The client a request is about, once known: decides whether a refusal may say so (403) or not (404). */
    private static final String CLIENT_ATTRIBUTE = "breathgate.api.client";

    private final WebAuth auth;
    private final Care care;
    private final ZoneId zone;
    private final Clock clock;

    /**
     * @param zone the care zone: dates in {@code from}/{@code to} are local days there, weeks are counted there
     */
    public ApiRoutes(WebAuth auth, Care care, ZoneId zone, Clock clock) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.care = Objects.requireNonNull(care, "care");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "/openapi.yaml", this::openApi);
        routes.get(PREFIX + "/me", guard(this::me));
        routes.get(PREFIX + "/clients", guard(this::clients));
        routes.get(PREFIX + "/clients/{client}/timeline", guard(this::timeline));
        routes.get(PREFIX + "/clients/{client}/consents", guard(this::consents));
        routes.post(PREFIX + "/clients/{client}/consents", guard(this::recordConsent));
        routes.post(PREFIX + "/consents/{consent}/amendments", guard(this::amendConsent));
        routes.post(PREFIX + "/consents/{consent}/revocation", guard(this::revokeConsent));
        routes.get(PREFIX + "/alerts", guard(this::alerts));
        routes.post(PREFIX + "/alerts/{alert}/acknowledgement", guard(this::acknowledge));
        routes.post(PREFIX + "/devices/{device}/events/{seq}/excuse", guard(this::excuse));
        routes.put(PREFIX + "/clients/{client}/schedule", guard(this::schedule));
        routes.post(PREFIX + "/clients/{client}/test-requests", guard(this::requestTest));
        routes.get(PREFIX + "/clients/{client}/export", guard(this::export));
        routes.get(PREFIX + "/clients/{client}/report.pdf", guard(this::report));
        routes.get(PREFIX + "/devices", guard(this::devices));
    }

    // ------------------------------------------------------------------ endpoints

    private void openApi(Context ctx) {
        try (InputStream in = ApiRoutes.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new ApiException(404, "not_found", "this build carries no openapi.yaml");
            }
            ctx.status(200).contentType("application/yaml; charset=utf-8").result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void me(Context ctx, Actor actor) {
        ObjectNode out = WebAuth.actorJson(actor);
        if (actor.clientId() != null) {
            care.caseloads().client(actor.clientId()).ifPresent(c -> out.put("display_name", c.displayName()));
        }
        HttpsServer.json(ctx, 200, out);
    }

    private void clients(Context ctx, Actor actor) {
        List<Caseloads.Entry> caseload;
        try {
            caseload = care.caseloads().of(actor);
        } catch (AccessDeniedException e) {
            // A role with nothing to do with clients gets a plain 403 on a list: there is no client to hide.
            throw new ApiException(403, e.decision().code().code(), e.decision().reason());
        }
        ArrayNode out = ApiJson.JSON.createArrayNode();
        for (Caseloads.Entry e : caseload) {
            ObjectNode n = ApiJson.client(e.client());
            n.put("access", e.basis());
            n.put("device_id", e.device());
            out.add(n);
        }
        HttpsServer.json(ctx, 200, out);
    }

    private void timeline(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        Period p = period(ctx);
        TimelineView t = care.timelines().timeline(actor, clientId, p.from, p.to);
        ObjectNode out = ApiJson.JSON.createObjectNode();
        out.put("client_id", clientId);
        out.put("from", p.from.toString());
        out.put("to", p.to.toString());
        out.put("threshold_mg_l", ApiJson.mgPerLitre(t.client().alertThreshold()));
        out.put("per_mille_factor", t.client().perMilleFactor().name());
        ArrayNode items = out.putArray("items");
        t.entries().forEach(i -> items.add(ApiJson.item(i)));
        out.put("withheld", t.withheld());
        out.set("weekly_compliance", ApiJson.weeks(t.weeks(zone)));
        out.set("planned_absences", WordJson.absences(t.word().absences()));
        HttpsServer.json(ctx, 200, out);
    }

    private void consents(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        HttpsServer.json(ctx, 200, ApiJson.consents(care.consents().history(actor, clientId)));
    }

    private void recordConsent(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        ConsentInput in = validated(actor, Operation.RECORD_CONSENT, clientId, () -> {
            JsonNode body = RequestBodies.jsonObject(ctx);
            String unit = id(body, "unit_id");
            Optional<Organisation> org = care.caseloads().organisation(unit);
            if (org.isEmpty() || org.get().kind() != OrganisationKind.CHILD_PROTECTION_UNIT) {
                throw new ApiException(400, "invalid_request", "unit_id must name a child-protection unit");
            }
            return new ConsentInput(unit, instant(body, "valid_from"), instant(body, "valid_until"), scopes(body));
        });
        ConsentVersion v = care.consents().record(actor, clientId, in.unit, in.from, in.until, in.scopes);
        HttpsServer.json(ctx, 201, ApiJson.consent(v));
    }

    private void amendConsent(Context ctx, Actor actor) {
        String consentId = existingConsent(ctx);
        ConsentInput in = validated(actor, Operation.RECORD_CONSENT, clientOfConsent(consentId), () -> {
            JsonNode body = RequestBodies.jsonObject(ctx);
            return new ConsentInput(null, instant(body, "valid_from"), instant(body, "valid_until"), scopes(body));
        });
        ConsentVersion v = care.consents().amend(actor, consentId, in.from, in.until, in.scopes);
        HttpsServer.json(ctx, 201, ApiJson.consent(v));
    }

    private void revokeConsent(Context ctx, Actor actor) {
        String consentId = existingConsent(ctx);
        Instant now = clock.instant();
        Instant revokedAt = validated(actor, Operation.REVOKE_CONSENT, clientOfConsent(consentId), () -> {
            JsonNode body = ctx.body().isBlank() ? ApiJson.JSON.createObjectNode() : RequestBodies.jsonObject(ctx);
            Instant at = body.hasNonNull("revoked_at") ? instant(body, "revoked_at") : now;
            if (at.isAfter(now)) {
                throw new ApiException(400, "invalid_request", "revoked_at is when the parent revoked: now or earlier");
            }
            return at;
        });
        HttpsServer.json(ctx, 201, ApiJson.consent(care.consents().revoke(actor, consentId, revokedAt)));
    }

    private void alerts(Context ctx, Actor actor) {
        ArrayNode out = ApiJson.JSON.createArrayNode();
        for (Alert a : care.alerts().alertsFor(actor)) {
            out.add(ApiJson.alert(a));
        }
        HttpsServer.json(ctx, 200, out);
    }

    private void acknowledge(Context ctx, Actor actor) {
        String key = ctx.pathParam("alert");
        Optional<Alerts.Addressed> alert = care.alerts().addressed(actor, key);
        if (alert.isEmpty()) {
            throw notFound("alert");
        }
        ctx.attribute(CLIENT_ATTRIBUTE, alert.get().clientId());
        String note;
        try {
            note = note(RequestBodies.jsonObject(ctx));
        } catch (ApiException e) {
            if (!alert.get().toActor()) {
                throw notFound("alert");
            }
            throw e;
        }
        Alert a = care.alerts().acknowledge(actor, key, note);
        HttpsServer.json(ctx, 200, ApiJson.alert(a));
    }

    private void excuse(Context ctx, Actor actor) {
        String device = ctx.pathParam("device");
        long seq;
        try {
            seq = Long.parseLong(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            throw notFound("event");
        }
        if (!DeviceIds.isValid(device) || seq < 1) {
            throw notFound("event");
        }
        Optional<Alerts.ExcuseTarget> target = care.alerts().excuseTarget(device, seq);
        if (target.isEmpty()) {
            throw notFound("event");
        }
        String client = target.get().clientId();
        ctx.attribute(CLIENT_ATTRIBUTE, client);
        if (target.get().excused()) {
            validated(actor, Operation.EXCUSE_MISSED_TEST, client, () -> {
                throw new ApiException(409, "conflict", device + "#" + seq + " is already excused; the excuse stays as recorded");
            });
        }
        String note = validated(actor, Operation.EXCUSE_MISSED_TEST, client, () -> note(RequestBodies.jsonObject(ctx)));
        Excuse x = care.alerts().excuse(actor, device, seq, note);
        ObjectNode out = ApiJson.JSON.createObjectNode();
        out.put("ref", x.deviceId() + "#" + x.seq());
        out.put("by", x.by());
        out.put("note", x.note());
        out.put("at", x.at().toString());
        HttpsServer.json(ctx, 201, out);
    }

    private void schedule(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        Schedule schedule = validated(actor, Operation.SET_SCHEDULE, clientId, () -> {
            try {
                return scheduleOf(RequestBodies.jsonObject(ctx));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid_request", e.getMessage());
            }
        });
        String language = validated(actor, Operation.SET_SCHEDULE, clientId, () -> {
            JsonNode l = RequestBodies.jsonObject(ctx).get("language");
            if (l == null || l.isNull()) {
                return null; // keep the language of the schedule on record
            }
            if (!l.isTextual() || !org.breathgate.protocol.ConfigUpdate.LANGUAGES.contains(l.asText())) {
                throw new ApiException(400, "invalid_request", "language must be fi, sv or en");
            }
            return l.asText();
        });
        var signed = care.schedules().set(actor, clientId, schedule, language);
        org.breathgate.protocol.ConfigUpdate update = (org.breathgate.protocol.ConfigUpdate) signed.message();
        ObjectNode out = ApiJson.JSON.createObjectNode();
        out.put("device_id", update.deviceId());
        out.put("config_version", update.version());
        out.put("key_id", signed.keyId().toString());
        out.put("slots", schedule.slots().size());
        out.put("language", update.language());
        HttpsServer.json(ctx, 200, out);
    }

    /** "Please test now": {@code {"window_min": 30}} (optional, 5 to 240), signed and sent to the device lent to the client. */
    private void requestTest(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        java.time.Duration window = validated(actor, Operation.SET_SCHEDULE, clientId, () -> {
            String raw = ctx.body();
            JsonNode w = raw == null || raw.isBlank() ? null : RequestBodies.jsonObject(ctx).get("window_min");
            if (w == null || w.isNull()) {
                return org.breathgate.receiver.care.schedule.Schedules.DEFAULT_REQUEST_WINDOW;
            }
            if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 5 || w.asInt() > 240) {
                throw new ApiException(400, "invalid_request", "window_min must be a whole number of minutes from 5 to 240");
            }
            return java.time.Duration.ofMinutes(w.asInt());
        });
        org.breathgate.protocol.TestRequest request = care.schedules().requestTest(actor, clientId, window);
        ObjectNode out = ApiJson.JSON.createObjectNode();
        out.put("device_id", request.deviceId());
        out.put("request", request.request());
        out.put("issued", request.issued().toString());
        out.put("until", request.until().toString());
        HttpsServer.json(ctx, 201, out);
    }

    private void export(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        String json = care.export().export(actor, clientId);
        ctx.header("Content-Disposition", "attachment; filename=\"breathgate-" + fileSafe(clientId) + "-export.json\"");
        ctx.status(200).contentType("application/json").result(json);
    }

    private void report(Context ctx, Actor actor) {
        String clientId = existingClient(ctx);
        Period p = period(ctx);
        String lang = Optional.ofNullable(ctx.queryParam("lang")).orElse("fi");
        if (!PdfReport.LANGUAGES.contains(lang)) {
            throw new ApiException(400, "invalid_request", "lang must be one of " + PdfReport.LANGUAGES);
        }
        byte[] pdf = care.reports().report(actor, clientId, p.from, p.to, lang);
        ctx.header("Content-Disposition", "attachment; filename=\"breathgate-" + fileSafe(clientId) + "-report.pdf\"");
        ctx.status(200).contentType("application/pdf").result(pdf);
    }

    private void devices(Context ctx, Actor actor) {
        List<DeviceHealth.Row> rows;
        try {
            rows = care.devices().devices(actor);
        } catch (AccessDeniedException e) {
            throw new ApiException(403, e.decision().code().code(), e.decision().reason());
        }
        ArrayNode out = ApiJson.JSON.createArrayNode();
        for (DeviceHealth.Row row : rows) {
            Device device = row.device();
            ObjectNode n = out.addObject();
            n.put("device_id", device.deviceId());
            n.put("revoked", device.revoked());
            n.put("enrolled_at", device.enrolledAt().toString());
            n.put("lent", row.lent());
            ArrayNode keys = n.putArray("keys");
            for (DeviceKey k : device.keys()) {
                ObjectNode kn = keys.addObject();
                kn.put("key_id", k.keyId().toString());
                kn.put("revoked", k.revoked());
                kn.put("algorithm", k.type().jwsAlgorithm());
                kn.put("key_home", org.breathgate.receiver.care.timeline.SignatureCheck.homeOf(k).name().toLowerCase(Locale.ROOT));
                kn.put("tpm", k.attestationRecord().map(org.breathgate.receiver.evidence.device.KeyAttestation::summary).orElse(null));
            }
            LatestStatus s = row.status();
            if (s == null) {
                n.putNull("status");
                continue;
            }
            ObjectNode sn = n.putObject("status");
            sn.put("last_seen_at", s.lastSeenAt().toString());
            sn.put("online", s.online());
            sn.put("outbox_depth", s.status().outboxDepth());
            sn.put("outbox_bytes", s.status().outboxBytes());
            sn.put("outbox_oldest_s", s.status().outboxOldestSeconds());
            sn.put("clock_synced", s.status().clock().synced());
            sn.put("device_time", s.status().clock().wall().toString());
            sn.put("sensor_state", s.status().sensorState().name());
            LocalDate due = s.status().calibrationDue();
            sn.put("calibration_due", due == null ? null : due.toString());
            sn.put("calibration_overdue", row.calibrationOverdue());
            sn.put("agent_version", s.status().agentVersion());
            sn.put("config_version", s.status().configVersion());
            ArrayNode warnings = sn.putArray("warnings");
            s.status().warnings().forEach(warnings::add);
        }
        HttpsServer.json(ctx, 200, out);
    }

    // ------------------------------------------------------------------ plumbing

    /** Signs in, runs, and turns the care layer's refusals and errors into API answers. */
    private Handler guard(ActorGuard.ActorHandler handler) {
        return new ActorGuard(auth::requireApi, (ctx, actor, e) -> refusal(e.decision(), actor, ctx.attribute(CLIENT_ATTRIBUTE)),
                ActorGuard::invalidOrConflict).around(handler);
    }

    private ApiException refusal(Decision d, Actor actor, String clientId) {
        return Refusals.answer(care.caseloads(), d, actor, clientId);
    }

    private static ApiException notFound(String what) {
        return Refusals.notFound(what);
    }

    private String existingClient(Context ctx) {
        String id = ctx.pathParam("client");
        if (id.isEmpty() || id.length() > 128 || care.caseloads().client(id).isEmpty()) {
            throw notFound("client");
        }
        ctx.attribute(CLIENT_ATTRIBUTE, id);
        return id;
    }

    private record ConsentInput(String unit, Instant from, Instant until, Set<Scope> scopes) {
    }

    /**
     * Parses a request body; when it is malformed, answers the refusal instead if the actor may not do
     * {@code operation} for the client at all, so a 400 never tells someone a client they may not see exists.
     */
    private <T> T validated(Actor actor, Operation operation, String clientId, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (ApiException e) {
            try {
                care.caseloads().require(actor, operation, clientId);
            } catch (AccessDeniedException refused) {
                throw refusal(refused.decision(), actor, clientId);
            }
            throw e;
        }
    }

    private String clientOfConsent(String consentId) {
        return care.consents().clientOf(consentId).orElseThrow(() -> notFound("consent"));
    }

    private String existingConsent(Context ctx) {
        String id = ctx.pathParam("consent");
        Optional<String> client = id.length() > 128 ? Optional.empty() : care.consents().clientOf(id);
        if (client.isEmpty()) {
            throw notFound("consent");
        }
        ctx.attribute(CLIENT_ATTRIBUTE, client.get());
        return id;
    }

    /** {@code id} with anything but letters, digits, '.', '_' and '-' replaced, for a download's file name. */
    private static String fileSafe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private record Period(Instant from, Instant to) {
    }

    /**
     * {@code from} and {@code to}: ISO instants ({@code 2026-03-01T00:00:00Z}) or local dates in the care zone
     * ({@code from} at the day's start, {@code to} through the day's end); default the last 28 days.
     */
    private Period period(Context ctx) {
        Instant now = clock.instant();
        Instant to = bound(ctx.queryParam("to"), "to", true).orElse(now);
        Instant from = bound(ctx.queryParam("from"), "from", false).orElse(to.minus(DEFAULT_PERIOD));
        if (!from.isBefore(to)) {
            throw new ApiException(400, "invalid_request", "from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new ApiException(400, "invalid_request", "a period is at most " + MAX_PERIOD.toDays() + " days");
        }
        return new Period(from, to);
    }

    private Optional<Instant> bound(String text, String name, boolean end) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                return Optional.of((end ? day.plusDays(1) : day).atStartOfDay(zone).toInstant());
            }
            Instant at = Instant.parse(text);
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                throw new ApiException(400, "invalid_request", name + " must lie between 2000 and 9999");
            }
            return Optional.of(at);
        } catch (DateTimeException e) {
            throw new ApiException(400, "invalid_request", name + " must be a date (2026-03-01) or an instant (2026-03-01T00:00:00Z)");
        }
    }

    private static String id(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty() || v.asText().length() > 128 || !v.asText().matches("[^\\s\\p{Cntrl}]+")) {
            throw new ApiException(400, "invalid_request", field + " is required: an id of 1-128 characters without spaces");
        }
        return v.asText();
    }

    private static Instant instant(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) {
            throw new ApiException(400, "invalid_request", field + " is required: an instant like 2026-03-01T00:00:00Z");
        }
        try {
            Instant at = Instant.parse(v.asText());
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                throw new ApiException(400, "invalid_request", field + " must lie between 2000 and 9999");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_request", field + " must be an instant like 2026-03-01T00:00:00Z");
        }
    }

    private static Set<Scope> scopes(JsonNode body) {
        JsonNode v = body.get("scopes");
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new ApiException(400, "invalid_request", "scopes is required: a non-empty list of RESULTS, MISSED_TESTS, ALERTS");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (JsonNode s : v) {
            try {
                scopes.add(Scope.valueOf(s.asText()));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "invalid_request", "unknown scope '" + s.asText() + "'; use RESULTS, MISSED_TESTS, ALERTS");
            }
        }
        return scopes;
    }

    private static String note(JsonNode body) {
        JsonNode v = body.get("note");
        if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > MAX_NOTE) {
            throw new ApiException(400, "invalid_request", "note is required: 1-" + MAX_NOTE + " characters");
        }
        return v.asText();
    }

    /**
     * {@code {"zone": "Europe/Helsinki", "slots": [{"at": "08:00", "window_before_min": 30, "window_after_min": 30}],
     * "reminders_before_close_min": [30, 15], "retest_delay_min": 20, "retest_window_min": 30, "max_retests": 6,
     * "abstain_min": 15, "random_tests": {"per_day": 2, "from": "09:00", "until": "21:00", "window_min": 30}}}; everything but
     * {@code slots} may be left out for the defaults (no random tests).
     */
    private Schedule scheduleOf(JsonNode body) {
        ZoneId scheduleZone = zone;
        if (body.hasNonNull("zone")) {
            try {
                scheduleZone = ZoneId.of(body.get("zone").asText());
            } catch (DateTimeException e) {
                throw new ApiException(400, "invalid_request", "zone is not a time zone id such as Europe/Helsinki");
            }
        }
        JsonNode slots = body.get("slots");
        if (slots == null || !slots.isArray() || slots.isEmpty()) {
            throw new ApiException(400, "invalid_request", "slots is required: a non-empty list of {\"at\": \"08:00\"}");
        }
        List<Schedule.Slot> list = new ArrayList<>();
        for (JsonNode s : slots) {
            LocalTime at;
            try {
                at = LocalTime.parse(s.path("at").asText());
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "invalid_request", "each slot needs \"at\": a local time like 08:00");
            }
            list.add(new Schedule.Slot(at, s.path("window_before_min").asInt(30), s.path("window_after_min").asInt(30)));
        }
        Schedule defaults = Schedule.withDefaults(scheduleZone, list);
        List<Integer> reminders = defaults.remindersBeforeCloseMin();
        if (body.has("reminders_before_close_min")) {
            reminders = new ArrayList<>();
            for (JsonNode r : body.get("reminders_before_close_min")) {
                reminders.add(r.asInt());
            }
        }
        Schedule.RandomTests random = null;
        JsonNode r = body.get("random_tests");
        if (r != null && !r.isNull()) {
            try {
                random = new Schedule.RandomTests(r.path("per_day").asInt(0), LocalTime.parse(r.path("from").asText()),
                        LocalTime.parse(r.path("until").asText()), r.path("window_min").asInt(30));
            } catch (DateTimeParseException e) {
                throw new ApiException(400, "invalid_request", "random_tests needs \"from\" and \"until\": local times like 09:00");
            }
        }
        return new Schedule(scheduleZone, list, reminders, body.path("retest_delay_min").asInt(defaults.retestDelayMin()),
                body.path("retest_window_min").asInt(defaults.retestWindowMin()), body.path("max_retests").asInt(defaults.maxRetests()),
                body.path("abstain_min").asInt(defaults.abstainMin()), random);
    }
}
