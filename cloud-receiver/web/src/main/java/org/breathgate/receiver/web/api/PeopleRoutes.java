package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.access.Role;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.receiver.care.audit.AuditLog;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.WebAuth;

import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.CaseContexts;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Accounts and clients through the API:
 * <ul>
 *   <li>{@code GET /api/v1/users}, {@code POST /api/v1/users}: administrators ({@link Operation#MANAGE_USERS});</li>
 *   <li>{@code POST /api/v1/clients}: a substance-abuse worker opens a case in their own organisation
 *       ({@link Operation#MANAGE_CLIENT}).</li>
 * </ul>
 * Both are audited ({@code user.created}, {@code client.created}). The {@code people} command of
 * {@code breathgate-receiver} does the same from a shell.
 */
public final class PeopleRoutes implements HttpsRoutes {

    /** Shortest password accepted for a new account (NIST SP 800-63B asks for at least 8; workers see sensitive data). */
    public static final int MIN_PASSWORD_LENGTH = 12;

    private final WebAuth auth;
    private final Users users;
    private final Clients clients;
    private final Organisations organisations;
    private final AuditLog audit;
    private final Database database;
    private final Clock clock;

    public PeopleRoutes(WebAuth auth, Users users, Database database, AuditLog audit, Clock clock) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.users = Objects.requireNonNull(users, "users");
        this.clients = new Clients(Objects.requireNonNull(database, "database"));
        this.organisations = new Organisations(database);
        this.database = database;
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(ApiRoutes.PREFIX + "/users", this::listUsers);
        routes.post(ApiRoutes.PREFIX + "/users", this::createUser);
        routes.post(ApiRoutes.PREFIX + "/clients", this::createClient);
        routes.put(ApiRoutes.PREFIX + "/clients/{client}/threshold", this::threshold);
    }

    private Actor admin(Context ctx) {
        Actor actor = auth.requireApi(ctx);
        Instant now = clock.instant();
        Decision d = AccessPolicy.decide(actor, Operation.MANAGE_USERS, now);
        if (!d.allowed()) {
            audit.append(AuditRecord.of(now, actor.userId(), org.breathgate.care.audit.AuditAction.ACCESS_DENIED, "users", "all",
                    Operation.MANAGE_USERS.name() + " " + d.code().code()));
            throw new ApiException(403, d.code().code(), d.reason());
        }
        return actor;
    }

    private void listUsers(Context ctx) {
        admin(ctx);
        ArrayNode out = ApiJson.JSON.createArrayNode();
        Instant now = clock.instant();
        for (UserAccount u : users.all()) {
            ObjectNode n = WebAuth.actorJson(u.actor());
            n.put("email", u.email());
            n.put("language", u.language());
            n.put("locked", u.lockedAt(now));
            n.put("locked_until", u.lockedAt(now) ? u.lockedUntil().toString() : null);
            out.add(n);
        }
        HttpsServer.json(ctx, 200, out);
    }

    private void createUser(Context ctx) {
        Actor admin = admin(ctx);
        JsonNode body = body(ctx);
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
        if (role == Role.SUBSTANCE_ABUSE_WORKER || role == Role.CHILD_PROTECTION_WORKER) {
            OrganisationKind kind = role == Role.SUBSTANCE_ABUSE_WORKER ? OrganisationKind.SUBSTANCE_ABUSE_SERVICE
                    : OrganisationKind.CHILD_PROTECTION_UNIT;
            Optional<Organisation> org = organisations.find(organisation);
            if (org.isEmpty() || org.get().kind() != kind) {
                throw new ApiException(400, "invalid_request", "organisation_id must name a " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        if (role == Role.PARENT && clients.find(client).isEmpty()) {
            throw new ApiException(400, "invalid_request", "client_id names no client");
        }
        String password = text(body, "password", 1024);
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new ApiException(400, "invalid_request", "password must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        String email = optional(body, "email");
        String language = Optional.ofNullable(optional(body, "language")).orElse(UserAccount.DEFAULT_LANGUAGE);
        if (users.find(id).isPresent()) {
            throw new ApiException(409, "conflict", "a user " + id + " exists already");
        }
        char[] chars = password.toCharArray();
        Instant now = clock.instant();
        try {
            users.add(actor, chars, email, language, now);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", e.getMessage());
        } finally {
            Arrays.fill(chars, '\0');
        }
        audit.append(new AuditRecord(now, admin.userId(), "user.created", "user", id, role.name()
                + (organisation == null ? "" : ", organisation " + organisation) + (client == null ? "" : ", client " + client)));
        HttpsServer.json(ctx, 201, WebAuth.actorJson(actor));
    }

    private void createClient(Context ctx) {
        Actor actor = auth.requireApi(ctx);
        Instant now = clock.instant();
        JsonNode body = body(ctx);
        String id = text(body, "id", 128);
        String name = text(body, "display_name", 200);
        if (actor.role() != Role.SUBSTANCE_ABUSE_WORKER) {
            throw new ApiException(403, "denied.role", "only a substance-abuse worker opens a client's case");
        }
        Client client;
        try {
            client = Client.open(id, name, actor.organisationId());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_request", e.getMessage());
        }
        Decision d = AccessPolicy.decide(actor, Operation.MANAGE_CLIENT, client, ConsentHistory.empty(id), null, now);
        if (!d.allowed()) {
            throw new ApiException(403, d.code().code(), d.reason());
        }
        if (clients.find(id).isPresent()) {
            throw new ApiException(409, "conflict", "a client " + id + " exists already");
        }
        clients.add(client, now);
        audit.append(new AuditRecord(now, actor.userId(), "client.created", "client", id, d.code().code() + "; organisation "
                + actor.organisationId()));
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
        if (clientId.length() > 128 || clients.find(clientId).isEmpty()) {
            throw Refusals.notFound("client");
        }
        Instant now = clock.instant();
        BreathAlcohol threshold;
        PerMilleFactor factor;
        try {
            JsonNode body = body(ctx);
            threshold = threshold(body);
            factor = factor(body);
        } catch (ApiException e) {
            Decision d = decide(actor, clientId, now);
            if (!d.allowed()) {
                throw Refusals.answer(database, now, d, actor, clientId);
            }
            throw e;
        }
        Object outcome = Sql.write(database, "changing the threshold of " + clientId, c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = AccessPolicy.decide(actor, Operation.EDIT_ALERT_RULES, context.client(), context.consents(), null, now);
            if (!d.allowed()) {
                audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.ACCESS_DENIED, "client", clientId,
                        Operation.EDIT_ALERT_RULES.name() + " " + d.code().code()));
                return d;
            }
            Client before = context.client();
            Client after = before.withAlertThreshold(threshold).withPerMilleFactor(factor == null ? before.perMilleFactor() : factor);
            clients.update(c, after);
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.ALERT_RULES_CHANGED, "client", clientId,
                    d.code().code() + "; threshold " + before.alertThreshold().microgramsPerLitre() + " -> "
                            + threshold.microgramsPerLitre() + " ug/L, factor " + before.perMilleFactor().name() + " -> "
                            + after.perMilleFactor().name()));
            return after;
        });
        if (outcome instanceof Decision) {
            throw Refusals.answer(database, now, (Decision) outcome, actor, clientId);
        }
        HttpsServer.json(ctx, 200, ApiJson.client((Client) outcome));
    }

    private Decision decide(Actor actor, String clientId, Instant now) {
        return Sql.read(database, "checking access", c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            return AccessPolicy.decide(actor, Operation.EDIT_ALERT_RULES, context.client(), context.consents(), null, now);
        });
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

    private static JsonNode body(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        try {
            JsonNode n = ApiJson.JSON.readTree(ctx.body());
            if (n == null || !n.isObject()) {
                throw new ApiException(400, "invalid_request", "the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "the body is not JSON");
        }
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
