package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.breathgate.care.access.Actor;
import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.care.word.ParentWord;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The parent's own word over the API: the parent explains one of their own readings or missed tests, announces a planned
 * absence and lists theirs; the substance-abuse worker accepts or declines one. Workers read both on the timeline
 * ({@code GET /clients/{client}/timeline}: {@code items[].explanations}, {@code items[].planned_absence},
 * {@code planned_absences}). A refusal is 404, like an event or absence that does not exist (the audit log keeps why).
 */
public final class WordRoutes implements HttpsRoutes {

    private final Function<Context, Actor> signedIn;
    private final ParentWord word;

    public WordRoutes(Function<Context, Actor> signedIn, ParentWord word) {
        this.signedIn = Objects.requireNonNull(signedIn, "signedIn");
        this.word = Objects.requireNonNull(word, "word");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(ApiRoutes.PREFIX + "/devices/{device}/events/{seq}/explanations", guard(this::explain));
        routes.get(ApiRoutes.PREFIX + "/me/absences", guard(this::mine));
        routes.post(ApiRoutes.PREFIX + "/me/absences", guard(this::announce));
        routes.post(ApiRoutes.PREFIX + "/absences/{absence}/decision", guard(this::decide));
    }

    private static final String NOT_FOUND = "no such event or absence, or not one you may use";

    private Handler guard(ActorGuard.ActorHandler handler) {
        return new ActorGuard(signedIn, (ctx, actor, e) -> new ApiException(404, "not_found", NOT_FOUND), e -> {
            boolean missing = e instanceof IllegalArgumentException && e.getMessage() != null
                    && (e.getMessage().startsWith("no ") || e.getMessage().contains("belongs to no client"));
            return missing ? new ApiException(404, "not_found", NOT_FOUND) : ActorGuard.invalidOrConflict(e);
        }).around(handler);
    }

    private void explain(Context ctx, Actor actor) {
        String device = ctx.pathParam("device");
        long seq;
        try {
            seq = Long.parseLong(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            throw new ApiException(404, "not_found", "no such event");
        }
        if (!DeviceIds.isValid(device) || seq < 1) {
            throw new ApiException(404, "not_found", "no such event");
        }
        JsonNode body = RequestBodies.jsonObject(ctx);
        Explanation e = word.explain(actor, device, seq, Explanation.Choice.ofWire(string(body, "choice", true)),
                string(body, "text", false));
        HttpsServer.json(ctx, 201, WordJson.explanation(e));
    }

    private void mine(Context ctx, Actor actor) {
        HttpsServer.json(ctx, 200, WordJson.absences(word.ofParent(actor)));
    }

    private void announce(Context ctx, Actor actor) {
        JsonNode body = RequestBodies.jsonObject(ctx);
        PlannedAbsence a = word.announce(actor, instant(body, "from"), instant(body, "to"),
                PlannedAbsence.Kind.ofWire(string(body, "kind", true)), string(body, "text", false));
        HttpsServer.json(ctx, 201, WordJson.absence(a));
    }

    private void decide(Context ctx, Actor actor) {
        JsonNode body = RequestBodies.jsonObject(ctx);
        String decision = string(body, "decision", true);
        if (!decision.equals("accept") && !decision.equals("decline")) {
            throw new ApiException(400, "invalid_request", "decision must be accept or decline");
        }
        PlannedAbsence a = word.decide(actor, ctx.pathParam("absence"), decision.equals("accept"), string(body, "note", false));
        HttpsServer.json(ctx, 200, WordJson.absence(a));
    }

    private static String string(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ApiException(400, "invalid_request", field + " is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException(400, "invalid_request", field + " must be a string");
        }
        return v.asText();
    }

    private static Instant instant(JsonNode body, String field) {
        try {
            return Instant.parse(string(body, field, true));
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_request", field + " must be an ISO-8601 instant such as 2026-03-12T00:00:00Z");
        }
    }
}
