package org.breathgate.receiver.care.history;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.evidence.db.Sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * "Who looked": for a parent, each time someone else viewed or exported their results — when, what, who (role and
 * organisation; the worker's name where the service allows it) and why (the client relationship, or the parent's consent)
 * — read from the audit log through the {@link CareGate} ({@link Operation#VIEW_ACCESS_LOG_OF_CLIENT}, audited as
 * {@code access_log.viewed}). The parent's own looks, and the receiver's own work, are not listed.
 */
public final class WhoLooked {

    /** Audit action of a parent reading their "who looked". */
    public static final String AUDIT_VIEWED = "access_log.viewed";
    /** Most looks listed (the newest); older ones are in the data export. */
    public static final int MAX_SHOWN = 200;

    /** What was done with the results. */
    public enum What { VIEWED_RESULTS, EXPORTED_REPORT, EXPORTED_ALL_DATA }

    /** Why it was allowed. */
    public enum Why { CLIENT_RELATIONSHIP, CONSENT, OTHER }

    /**
     * One look.
     *
     * @param at             when
     * @param what           what was done
     * @param role           the looker's role, or {@code null} when their account is gone
     * @param organisationId their organisation, or {@code null}
     * @param workerName     their name, only when the service shows names to parents and the account has one; else {@code null}
     * @param why            why it was allowed
     * @param consentId      the consent it rested on ({@link Why#CONSENT}), else {@code null}
     */
    public record Look(Instant at, What what, Role role, String organisationId, String workerName, Why why, String consentId) {
    }

    private final CareGate gate;
    private final boolean showWorkerNames;

    /** @param showWorkerNames whether a parent is shown the worker's name ({@code signin.show-worker-names-to-parents}) */
    public WhoLooked(CareGate gate, boolean showWorkerNames) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.showWorkerNames = showWorkerNames;
    }

    /** The looks at {@code clientId}'s results by others than {@code parent}, newest first (at most {@link #MAX_SHOWN}). */
    public List<Look> of(Actor parent, String clientId) {
        return gate.run(parent, "showing who looked at the results of " + clientId, visit -> {
            visit.require(Operation.VIEW_ACCESS_LOG_OF_CLIENT, CaseContexts.load(visit.connection(), clientId), "client", clientId);
            List<Look> looks = read(visit.connection(), clientId, parent.userId(), showWorkerNames);
            visit.record(AUDIT_VIEWED, "client", clientId, looks.size() + " looks shown");
            return List.copyOf(looks);
        });
    }

    /**
     * The looks at {@code clientId}'s results by others than {@code exceptUserId}, newest first (at most {@link #MAX_SHOWN}),
     * read inside a visit that has decided the reader may see them (the parent's page, the parent's export).
     */
    public static List<Look> read(java.sql.Connection c, String clientId, String exceptUserId, boolean showWorkerNames)
            throws java.sql.SQLException {
        List<Look> looks = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select a.at_ms, a.action, a.detail, u.role, u.organisation_id, "
                + "u.display_name from care_audit_log a left join care_users u on u.id = a.actor where a.subject_type = 'client' "
                + "and a.subject_id = ? and a.action in (?, ?, ?) and a.actor <> ? order by a.seq desc limit " + MAX_SHOWN)) {
            q.setString(1, clientId);
            q.setString(2, AuditAction.TIMELINE_VIEWED.code());
            q.setString(3, AuditAction.REPORT_EXPORTED.code());
            q.setString(4, AuditAction.CLIENT_DATA_EXPORTED.code());
            q.setString(5, exceptUserId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String action = rs.getString(2);
                    What what = action.equals(AuditAction.TIMELINE_VIEWED.code()) ? What.VIEWED_RESULTS
                            : action.equals(AuditAction.REPORT_EXPORTED.code()) ? What.EXPORTED_REPORT : What.EXPORTED_ALL_DATA;
                    String detail = rs.getString(3);
                    Why why = detail.startsWith("allowed.own_organisation") ? Why.CLIENT_RELATIONSHIP
                            : detail.startsWith("allowed.consent") ? Why.CONSENT : Why.OTHER;
                    String consent = null;
                    int at = detail.indexOf("(consent ");
                    if (why == Why.CONSENT && at >= 0) {
                        int end = detail.indexOf(' ', at + 9);
                        consent = end > 0 ? detail.substring(at + 9, end) : null;
                    }
                    String role = rs.getString(4);
                    looks.add(new Look(Sql.instant(rs, 1), what, role == null ? null : Role.valueOf(role), rs.getString(5),
                            showWorkerNames ? rs.getString(6) : null, why, consent));
                }
            }
        }
        return looks;
    }
}
