package org.breathgate.receiver.care.consent;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A parent's consents to share with child protection: seeing them, recording, amending and revoking them. Every look and
 * every change goes through the {@link CareGate} and is audited, refusals too. Versions are append-only
 * ({@link ConsentStore}).
 */
public final class Consents {

    private final CareGate gate;
    private final Database database;
    private final Supplier<String> ids;

    /** @param ids new consent ids (e.g. random UUIDs) */
    public Consents(CareGate gate, Database database, Supplier<String> ids) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.database = Objects.requireNonNull(database, "database");
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** The consents {@code actor} may see: all of the client's, or (child protection) those naming their unit. Audited. */
    public List<ConsentVersion> history(Actor actor, String clientId) {
        return gate.run(actor, "reading the consents of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.VIEW_CONSENTS, context, "client", clientId);
            List<ConsentVersion> visible = visit.visibleConsents(context);
            visit.record("consents.viewed", "client", clientId, Visit.basis(d) + "; " + visible.size() + " versions");
            return visible;
        });
    }

    /** Records a new consent (version 1) of the client to share with {@code unitId}. */
    public ConsentVersion record(Actor actor, String clientId, String unitId, Instant validFrom, Instant validUntil, Set<Scope> scopes) {
        return gate.run(actor, "recording a consent of " + clientId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientId);
            Decision d = visit.require(Operation.RECORD_CONSENT, context, "client", clientId);
            ConsentVersion v = ConsentVersion.first(ids.get(), clientId, unitId, validFrom, validUntil, scopes, actor.userId(), visit.now());
            ConsentStore.append(visit.connection(), v);
            visit.record(AuditAction.CONSENT_RECORDED.code(), "consent", v.consentId() + "#v1", Visit.basis(d) + "; client " + clientId
                    + ", unit " + unitId + ", " + validFrom + " to " + validUntil + ", " + scopes);
            return v;
        });
    }

    /** Records an amendment: the next version of {@code consentId} with a new period and scopes. */
    public ConsentVersion amend(Actor actor, String consentId, Instant validFrom, Instant validUntil, Set<Scope> scopes) {
        return amend(actor, consentId, validFrom, validUntil, scopes, null);
    }

    /**
     * Records an amendment dated when the parent said it: the next version of {@code consentId} with a new period and scopes;
     * {@code saidAt} (at or before now, or {@code null}: when it is recorded) is kept beside the version.
     */
    public ConsentVersion amend(Actor actor, String consentId, Instant validFrom, Instant validUntil, Set<Scope> scopes, Instant saidAt) {
        if (saidAt != null && saidAt.isAfter(gate.now())) {
            throw new IllegalArgumentException("the parent cannot have said it later than now");
        }
        return gate.run(actor, "amending consent " + consentId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientOf(visit.connection(), consentId));
            Decision d = visit.require(Operation.RECORD_CONSENT, context, "consent", consentId);
            ConsentVersion v = context.consents().latest(consentId).orElseThrow().amend(validFrom, validUntil, scopes, actor.userId(),
                    visit.now());
            ConsentStore.append(visit.connection(), v);
            if (saidAt != null) {
                try (java.sql.PreparedStatement s = visit.connection().prepareStatement(
                        "insert into care_consent_said_at (consent_id, version, said_at_ms) values (?, ?, ?)")) {
                    s.setString(1, consentId);
                    s.setInt(2, v.version());
                    s.setLong(3, saidAt.toEpochMilli());
                    s.executeUpdate();
                }
            }
            visit.record(AuditAction.CONSENT_RECORDED.code(), "consent", consentId + "#v" + v.version(), Visit.basis(d) + "; amended to "
                    + validFrom + " to " + validUntil + ", " + scopes + (saidAt == null ? "" : "; the parent said so at " + saidAt));
            return v;
        });
    }

    /**
     * Records the parent's revocation of {@code consentId}; it applies from now.
     *
     * @param revokedAt when the parent revoked (e.g. said so on the phone), at or before now
     */
    public ConsentVersion revoke(Actor actor, String consentId, Instant revokedAt) {
        return gate.run(actor, "revoking consent " + consentId, visit -> {
            CaseContext context = CaseContexts.load(visit.connection(), clientOf(visit.connection(), consentId));
            ConsentVersion latest = context.consents().latest(consentId).orElseThrow();
            Decision d = visit.requireRevocation(context, latest);
            ConsentVersion v = latest.revoke(actor.userId(), revokedAt, visit.now());
            ConsentStore.append(visit.connection(), v);
            visit.record(AuditAction.CONSENT_REVOKED.code(), "consent", consentId + "#v" + v.version(), Visit.basis(d)
                    + "; parent revoked at " + revokedAt);
            return v;
        });
    }

    /**
     * When the parent said what each version of the client's consents records, where a worker dated it
     * ({@code consentId#vN} to the time); for a page that already shows the versions (nothing more is revealed or audited).
     */
    public java.util.Map<String, Instant> saidAt(String clientId) {
        return Sql.read(database, "reading when the parent said it", c -> {
            java.util.Map<String, Instant> out = new java.util.HashMap<>();
            try (java.sql.PreparedStatement q = c.prepareStatement("select s.consent_id, s.version, s.said_at_ms from care_consent_said_at s "
                    + "join care_consent_versions v on v.consent_id = s.consent_id and v.version = s.version where v.client_id = ?")) {
                q.setString(1, clientId);
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1) + "#v" + rs.getInt(2), Instant.ofEpochMilli(rs.getLong(3)));
                    }
                }
            }
            return out;
        });
    }

    /** The client a consent belongs to, if the consent exists (to answer 404 for one that does not). */
    public Optional<String> clientOf(String consentId) {
        return Sql.read(database, "finding consent " + consentId, c -> ConsentStore.clientOf(c, consentId));
    }

    private static String clientOf(Connection c, String consentId) throws SQLException {
        return ConsentStore.clientOf(c, consentId).orElseThrow(() -> new IllegalArgumentException("no consent " + consentId));
    }
}
