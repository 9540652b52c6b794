package org.breathgate.receiver.care.gate;

import org.breathgate.care.audit.AuditAnchor;
import org.breathgate.care.audit.AuditChain;
import org.breathgate.care.audit.AuditEntry;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.care.audit.AuditVerification;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The append-only, hash-chained audit log in table {@code care_audit_log}, sealed by the care core's
 * {@link AuditChain}.
 *
 * <p>Appends happen inside the caller's writer transaction ({@link #append(Connection, AuditRecord)}),
 * so an audit entry commits or rolls back with what it records. The chain never forks: within one
 * receiver the {@link Database} has one writer connection, and on PostgreSQL each append first takes
 * an exclusive table lock, so two receivers on one database append one after the other; the primary
 * key on {@code seq} refuses a second entry with the same number whatever happens.
 *
 * <p>A chain alone cannot show that the whole log was rewritten with fresh hashes; {@link #anchor()}
 * copies the head hash to an {@link AnchorFile} outside the database (and to the service log), and
 * {@link #verify()} checks against those copies.
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final String COLUMNS = "seq, at_ms, actor, action, subject_type, subject_id, detail, prev_hash, hash";

    private final Database database;
    private final AnchorFile anchors;

    /**
     * @param anchors where head hashes are copied to, or {@code null} to keep none (tests; a deployment
     *                always has one in its data folder)
     */
    public AuditLog(Database database, AnchorFile anchors) {
        this.database = Objects.requireNonNull(database, "database");
        this.anchors = anchors;
    }

    /**
     * Seals {@code record} as the next entry, in the caller's transaction on the writer connection. Only the
     * {@link CareGate} appends: every entry is an operation it decided.
     */
    AuditEntry append(Connection c, AuditRecord record) throws SQLException {
        if (database.dialect() == Database.Dialect.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
                s.execute("lock table care_audit_log in exclusive mode");
            }
        }
        AuditEntry entry = AuditChain.append(last(c), record);
        try (PreparedStatement insert = c.prepareStatement("insert into care_audit_log (" + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, entry.seq());
            insert.setLong(2, entry.at().toEpochMilli());
            insert.setString(3, entry.actor());
            insert.setString(4, entry.action());
            insert.setString(5, entry.subjectType());
            insert.setString(6, entry.subjectId());
            insert.setString(7, entry.detail());
            insert.setString(8, entry.prevHash());
            insert.setString(9, entry.hash());
            insert.executeUpdate();
        }
        return entry;
    }

    /** Seals {@code record} in a transaction of its own. */
    AuditEntry append(AuditRecord record) {
        try {
            return database.inTransaction(c -> append(c, record));
        } catch (SQLException e) {
            throw new StoreException("writing the audit entry " + record.action() + " failed: " + e.getMessage(), e);
        }
    }

    /** Every entry, in seq order. */
    public List<AuditEntry> entries() {
        return query("select " + COLUMNS + " from care_audit_log order by seq", null);
    }

    /** The entries about {@code subjectId} (e.g. a client id, an alert key), in seq order. */
    public List<AuditEntry> entriesAbout(String subjectId) {
        return query("select " + COLUMNS + " from care_audit_log where subject_id = ? order by seq", subjectId);
    }

    /** The last entry, if any. */
    public Optional<AuditEntry> head() {
        try {
            return database.read(AuditLog::last);
        } catch (SQLException e) {
            throw new StoreException("reading the audit head failed: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies the whole chain, and against the anchors kept in the anchor file.
     * An entry that no longer even loads (e.g. a malformed hash written into the table) is reported
     * as broken at that entry.
     */
    public AuditVerification verify() {
        List<AuditAnchor> kept = anchors == null ? List.of() : anchors.read();
        List<AuditEntry> log = new ArrayList<>();
        try {
            database.read(c -> {
                try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_audit_log order by seq");
                     ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        try {
                            log.add(entry(rs));
                        } catch (IllegalArgumentException | NullPointerException e) {
                            throw new MalformedEntry(seq, log.size(), e.getMessage());
                        }
                    }
                }
                return null;
            });
        } catch (MalformedEntry e) {
            AuditEntry previous = log.isEmpty() ? null : log.get(log.size() - 1);
            return new AuditVerification(AuditVerification.Problem.CONTENT_CHANGED, e.index, e.seq,
                    "entry " + e.seq + " is malformed (" + e.getMessage() + "): it was changed after it was written", e.index,
                    previous == null ? 0 : previous.seq(), previous == null ? AuditChain.GENESIS_HASH : previous.hash());
        } catch (SQLException e) {
            throw new StoreException("reading the audit log failed: " + e.getMessage(), e);
        }
        return AuditChain.verify(log, kept);
    }

    /**
     * Copies the head hash outside the database: to the anchor file (when there is one) and to the
     * service log. Does nothing for an empty log, or when the head is already anchored.
     *
     * @return the anchor written, if any
     */
    public Optional<AuditAnchor> anchor(Instant now) {
        Optional<AuditEntry> head = head();
        if (head.isEmpty()) {
            return Optional.empty();
        }
        AuditAnchor anchor = AuditAnchor.of(head.get());
        if (anchors != null) {
            if (anchors.read().contains(anchor)) {
                return Optional.empty();
            }
            anchors.append(anchor, now);
        }
        LOG.info("audit anchor: seq {} hash {}", anchor.seq(), anchor.hash());
        return Optional.of(anchor);
    }

    private static Optional<AuditEntry> last(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_audit_log order by seq desc limit 1");
             ResultSet rs = q.executeQuery()) {
            return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
        }
    }

    private List<AuditEntry> query(String sql, String subjectId) {
        try {
            return database.read(c -> {
                try (PreparedStatement q = c.prepareStatement(sql)) {
                    if (subjectId != null) {
                        q.setString(1, subjectId);
                    }
                    List<AuditEntry> entries = new ArrayList<>();
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            entries.add(entry(rs));
                        }
                    }
                    return List.copyOf(entries);
                }
            });
        } catch (SQLException e) {
            throw new StoreException("reading the audit log failed: " + e.getMessage(), e);
        }
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    private static final class MalformedEntry extends RuntimeException {
        private final long seq;
        private final int index;

        MalformedEntry(long seq, int index, String message) {
            super(message);
            this.seq = seq;
            this.index = index;
        }
    }
}
