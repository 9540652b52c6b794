package org.breathgate.receiver.web.api;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.receiver.care.Care;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.WebAuth;

import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;

import java.math.BigDecimal;
import java.util.List;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Accounts and clients through the API:
 * <ul>
 *   <li>{@code GET /api/v1/users}, {@code POST /api/v1/users}: administrators ({@link Operation#MANAGE_USERS});</li>
 *   <li>{@code POST /api/v1/clients}: a substance-abuse worker opens a case in their own organisation
 *       ({@link Operation#MANAGE_CLIENT}).</li>
 * </ul>
 * Decided and audited by the care room's gate ({@code user.created}, {@code client.created}, {@code alert_rules.changed},
 * refusals); the {@code people} command of {@code breathgate-receiver} does the same from a shell.
 */
public final class PeopleRoutes implements HttpsRoutes {

    /** Where an invitation link leads (the pages' invitation form); the API answers with this path and the code. */
    public static final String INVITATION_PATH = "/invite";

    private final WebAuth auth;
    private final Care care;
    private final Clock clock;

    public PeopleRoutes(WebAuth auth, Care care, Clock clock) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.care = Objects.requireNonNull(care, "care");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(ApiRoutes.PREFIX + "/users", guard(this::listUsers));
        routes.post(ApiRoutes.PREFIX + "/users", guard(this::createUser));
        routes.post(ApiRoutes.PREFIX + "/users/{id}/invitation", guard(this::invite));
        routes.post(ApiRoutes.PREFIX + "/clients", guard(this::createClient));
        routes.put(ApiRoutes.PREFIX + "/clients/{client}/threshold", this::threshold);
    }

    /** Signs in, runs, and answers the gate's refusals (audited there) with 403 and the policy's code. */
    private io.javalin.http.Handler guard(ActorGuard.ActorHandler handler) {
        return new ActorGuard(auth::requireApi, (ctx, actor, e) -> new ApiException(403, e.decision().code().code(), e.decision().reason()),
                ActorGuard::internalError).around(handler);
    }

    private void listUsers(Context ctx, Actor admin) {
        ArrayNode out = ApiJson.JSON.createArrayNode();
        Instant now = clock.instant();
        for (UserAccount u : care.people().users(admin)) {
            ObjectNode n = WebAuth.actorJson(u.actor());
            n.put("email", u.email());
            n.put("language", u.language());
            n.put("locked", u.lockedAt(now));
            n.put("locked_until", u.lockedAt(now) ? u.lockedUntil().toString() : null);
            out.add(n);
        }
        HttpsServer.json(ctx, 200, out);
    }

    private void createUser(Context ctx, Actor admin) {
        care.people().requireUserManager(admin);
        JsonNode body = RequestBodies.jsonObject(ctx);
        String id = text(body, "id", 128);
        Role role;
        try {
            role = Role.valueOf(text(body, "role", 40));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", "role must be one of " + Arrays.toString(Role.values()));
        }
        String organisation = optional(body, "organisation_id");
        String client = optional(body, "client_id");
        Actor actor;
        try {
            actor = new Actor(id, role, organisation, client);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApiException(400, "invalid_request", "workers need organisation_id, parents client_id, other roles neither: "
                    + e.getMessage());
        }
        if (body.has("password")) {
            throw new ApiException(400, "invalid_request", "an administrator no longer sets passwords: the answer carries an invitation"
                    + " link with which the person sets their own");
        }
        String email = optional(body, "email");
        String language = Optional.ofNullable(optional(body, "language")).orElse(UserAccount.DEFAULT_LANGUAGE);
        String name = optional(body, "display_name");
        org.breathgate.receiver.care.signin.Accounts.Invited invited;
        try {
            invited = care.people().createUser(admin, actor, email, language, name);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(409, "conflict", e.getMessage());
        }
        ObjectNode out = WebAuth.actorJson(actor);
        out.put("invitation_path", INVITATION_PATH + "?code=" + invited.code());
        out.put("invitation_expires_at", invited.expiresAt().toString());
        HttpsServer.json(ctx, 201, out);
    }

    /** {@code POST /api/v1/users/{id}/invitation}: a new invitation link (a forgotten password); the old password stays until it is used. */
    private void invite(Context ctx, Actor admin) {
        care.people().requireUserManager(admin);
        String id = ctx.pathParam("id");
        org.breathgate.receiver.care.signin.Accounts.Invited invited;
        try {
            invited = care.people().invite(admin, id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(404, "not_found", e.getMessage());
        }
        ObjectNode out = ApiJson.JSON.createObjectNode();
        out.put("invitation_path", INVITATION_PATH + "?code=" + invited.code());
        out.put("invitation_expires_at", invited.expiresAt().toString());
        HttpsServer.json(ctx, 201, out);
    }

    private void createClient(Context ctx, Actor actor) {
        JsonNode body = RequestBodies.jsonObject(ctx);
        String id = text(body, "id", 128);
        String name = text(body, "display_name", 200);
        Client client;
        try {
            client = care.people().openCase(actor, id, name);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(409, "conflict", e.getMessage());
        }
        HttpsServer.json(ctx, 201, ApiJson.client(client));
    }

    /**
     * {@code PUT /api/v1/clients/{client}/threshold} {@code {"threshold_mg_l": "0.100", "per_mille_factor": "FI-RL-23"}}:
     * the client's alert threshold and per-mille factor ({@link Operation#EDIT_ALERT_RULES}, open case only), audited as
     * {@code alert_rules.changed}. Alerts use it from the next event on; the device gets it with the next schedule.
     */
    private void threshold(Context ctx) {
        Actor actor = auth.requireApi(ctx);
        String clientId = ctx.pathParam("client");
        if (clientId.length() > 128 || care.caseloads().client(clientId).isEmpty()) {
            throw Refusals.notFound("client");
        }
        BreathAlcohol threshold;
        PerMilleFactor factor;
        try {
            JsonNode body = RequestBodies.jsonObject(ctx);
            threshold = threshold(body);
            factor = factor(body);
        } catch (ApiException e) {
            try {
                care.caseloads().require(actor, Operation.EDIT_ALERT_RULES, clientId);
            } catch (AccessDeniedException refused) {
                throw Refusals.answer(care.caseloads(), refused.decision(), actor, clientId);
            }
            throw e;
        }
        Client changed;
        try {
            changed = care.people().setThreshold(actor, clientId, threshold, factor);
        } catch (AccessDeniedException refused) {
            throw Refusals.answer(care.caseloads(), refused.decision(), actor, clientId);
        }
        HttpsServer.json(ctx, 200, ApiJson.client(changed));
    }

    /** 0.010-2.000 mg/L with at most three decimals. */
    private static BreathAlcohol threshold(JsonNode body) {
        JsonNode v = body.get("threshold_mg_l");
        try {
            BreathAlcohol value = BreathAlcohol.ofMilligramsPerLitre(new BigDecimal(v == null ? "" : v.asText()));
            if (value.microgramsPerLitre() < 10 || value.microgramsPerLitre() > 2000) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new ApiException(400, "invalid_request", "threshold_mg_l must be a decimal string from 0.010 to 2.000, e.g. \"0.100\"");
        }
    }

    private static PerMilleFactor factor(JsonNode body) {
        JsonNode v = body.get("per_mille_factor");
        if (v == null || v.isNull()) {
            return null; // keep the client's
        }
        for (PerMilleFactor f : List.of(PerMilleFactor.FINNISH_CRIMINAL_CODE, PerMilleFactor.PARTITION_2100)) {
            if (f.name().equals(v.asText())) {
                return f;
            }
        }
        throw new ApiException(400, "invalid_request", "per_mille_factor must be FI-RL-23 or 2100:1");
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
            throw new ApiException(400, "invalid_request", field + " is required: 1-" + max + " characters");
        }
        return v.asText();
    }

    private static String optional(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiException(400, "invalid_request", field + " must be a string or null");
        }
        return v.asText();
    }
}
