package org.breathgate.receiver.care.history;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Operation;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.audit.AuditEntry;
import org.breathgate.care.audit.AuditVerification;
import org.breathgate.receiver.care.gate.CareGate;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The audit log for administrators ({@link Operation#VIEW_AUDIT_LOG}, {@link Operation#VERIFY_AUDIT}): entries filtered by
 * who, what, about what and when, newest first; the same as an export; and the hash chain's verification state. Each look,
 * export and verification is itself audited ({@code audit_log.viewed}, {@code audit_log.exported}, {@code audit.verified}).
 */
public final class AuditViews {

    public static final String AUDIT_VIEWED = "audit_log.viewed";
    public static final String AUDIT_EXPORTED = "audit_log.exported";
    /** Most entries on one page. */
    public static final int PAGE = 200;
    /** Most entries in one export. */
    public static final int EXPORT_MAX = 100_000;

    /**
     * What to show; {@code null} or blank fields do not filter.
     *
     * @param actor   the actor exactly (a user id, {@code system}, {@code anonymous}, {@code cli:<user>})
     * @param action  the action, or a prefix ending in {@code .} ({@code login.})
     * @param subject the subject id exactly (a client id, a user id, an alert key)
     * @param from    entries at or after this
     * @param until   entries before this
     */
    public record Filter(String actor, String action, String subject, Instant from, Instant until) {
        public static final Filter NONE = new Filter(null, null, null, null, null);

        String describe() {
            StringBuilder s = new StringBuilder();
            if (actor != null) {
                s.append("actor ").append(actor).append("; ");
            }
            if (action != null) {
                s.append("action ").append(action).append("; ");
            }
            if (subject != null) {
                s.append("subject ").append(subject).append("; ");
            }
            if (from != null) {
                s.append("from ").append(from).append("; ");
            }
            if (until != null) {
                s.append("until ").append(until).append("; ");
            }
            return s.length() == 0 ? "no filter" : s.substring(0, s.length() - 2);
        }
    }

    private final CareGate gate;

    public AuditViews(CareGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** The newest {@link #PAGE} entries matching {@code filter}. */
    public List<AuditEntry> search(Actor admin, Filter filter) {
        return query(admin, filter, PAGE, AUDIT_VIEWED);
    }

    /** Up to {@link #EXPORT_MAX} entries matching {@code filter}, newest first, for an export. */
    public List<AuditEntry> export(Actor admin, Filter filter) {
        return query(admin, filter, EXPORT_MAX, AUDIT_EXPORTED);
    }

    /** Verifies the chain and the anchors (audited {@code audit.verified} with the result). */
    public AuditVerification verify(Actor admin) {
        return gate.run(admin, "verifying the audit log", visit -> {
            visit.require(Operation.VERIFY_AUDIT, "audit_log", "all");
            AuditVerification v = gate.log().verify();
            visit.record(AuditAction.AUDIT_VERIFIED.code(), "audit_log", "all", v.intact() ? "intact to entry " + v.headSeq()
                    : "BROKEN: " + v.message());
            return v;
        });
    }

    private List<AuditEntry> query(Actor admin, Filter filter, int limit, String action) {
        return gate.run(admin, "reading the audit log", visit -> {
            visit.require(Operation.VIEW_AUDIT_LOG, "audit_log", "all");
            StringBuilder sql = new StringBuilder("select seq, at_ms, actor, action, subject_type, subject_id, detail, prev_hash, hash "
                    + "from care_audit_log where 1 = 1");
            List<Object> params = new ArrayList<>();
            if (filter.actor() != null) {
                sql.append(" and actor = ?");
                params.add(filter.actor());
            }
            if (filter.action() != null) {
                if (filter.action().endsWith(".")) {
                    sql.append(" and action like ?");
                    params.add(filter.action().replace("%", "") + "%"); // '_' in a code matches itself (and, harmlessly, any one letter)
                } else {
                    sql.append(" and action = ?");
                    params.add(filter.action());
                }
            }
            if (filter.subject() != null) {
                sql.append(" and subject_id = ?");
                params.add(filter.subject());
            }
            if (filter.from() != null) {
                sql.append(" and at_ms >= ?");
                params.add(filter.from().toEpochMilli());
            }
            if (filter.until() != null) {
                sql.append(" and at_ms < ?");
                params.add(filter.until().toEpochMilli());
            }
            sql.append(" order by seq desc limit ").append(limit);
            List<AuditEntry> out = new ArrayList<>();
            try (PreparedStatement q = visit.connection().prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    q.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                    }
                }
            }
            visit.record(action, "audit_log", "all", filter.describe() + "; " + out.size() + " entries");
            return List.copyOf(out);
        });
    }
}
