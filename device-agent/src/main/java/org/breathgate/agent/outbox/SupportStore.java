package org.breathgate.agent.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;

/**
 * The parent's support requests and where each stands, in the outbox file, so that a restart keeps them: a
 * request's row is written in the transaction that stores the signed request ({@link Outbox#append}), marked
 * delivered in the one that deletes it on the receiver's ack, refused in the one that quarantines it, and
 * given the service's word by {@link #apply}. Rows stay after the request has left the outbox (they are the
 * device's memory of it, not evidence). Get it from {@link Outbox#support()}; thread-safe, under the outbox's lock.
 */
public final class SupportStore {

    private final OutboxDb db;

    SupportStore(OutboxDb db) {
        this.db = db;
    }

    /** Adds the row of a request just signed; inside {@link Outbox#append}'s transaction. */
    void insert(SupportRequest request) throws SQLException {
        try (PreparedStatement q = db.connection.prepareStatement("INSERT OR IGNORE INTO support_request(seq, need, need_chosen, made_at)"
                + " VALUES (?,?,?,?)")) {
            q.setLong(1, request.seq());
            if (request.need() == null) {
                q.setNull(2, Types.VARCHAR);
            } else {
                q.setString(2, request.need().wireName());
            }
            q.setInt(3, request.needChosen() ? 1 : 0);
            q.setLong(4, request.clock().wall().toEpochMilli());
            q.executeUpdate();
        }
    }

    /** The receiver stored {@code seq}; inside {@link Outbox#acknowledge}'s transaction. */
    void delivered(long seq) throws SQLException {
        try (PreparedStatement q = db.connection.prepareStatement("UPDATE support_request SET delivered = 1 WHERE seq = ?")) {
            q.setLong(1, seq);
            q.executeUpdate();
        }
    }

    /** The receiver quarantined {@code seq}; inside {@link Outbox#quarantine}'s transaction. */
    void refused(long seq, String reason) throws SQLException {
        try (PreparedStatement q = db.connection.prepareStatement("UPDATE support_request SET refused = ? WHERE seq = ?")) {
            q.setString(1, reason);
            q.setLong(2, seq);
            q.executeUpdate();
        }
    }

    /** The newest request, if any was ever made. */
    public Optional<SupportRecord> newest() {
        return query("SELECT * FROM support_request ORDER BY seq DESC LIMIT 1", null);
    }

    /** The request numbered {@code seq}, if this device made it. */
    public Optional<SupportRecord> find(long seq) {
        return query("SELECT * FROM support_request WHERE seq = ?", seq);
    }

    /**
     * Takes the service's word on one request from a reply issued at {@code issued}, if the request is this
     * device's, not closed, and the reply is newer than the last one applied to it (an old retained or replayed
     * reply never undoes a newer one). Stored durably before it returns.
     *
     * @return the request as it now stands, or empty when nothing changed
     */
    public Optional<SupportRecord> apply(SupportReply.Entry entry, Instant issued, Instant now) {
        synchronized (db) {
            Optional<SupportRecord> had = find(entry.seq());
            if (had.isEmpty() || had.get().state() == SupportReply.State.CLOSED
                    || (had.get().replyIssued() != null && !issued.isAfter(had.get().replyIssued()))) {
                return Optional.empty();
            }
            try (PreparedStatement q = db.connection.prepareStatement("UPDATE support_request SET state = ?, by_role = ?,"
                    + " contact_from = ?, contact_before = ?, reply_issued = ?, answered_at = ? WHERE seq = ?")) {
                q.setString(1, entry.state().wireName());
                q.setString(2, entry.by().wireName());
                setInstant(q, 3, entry.contactFrom());
                setInstant(q, 4, entry.contactBefore());
                q.setLong(5, issued.toEpochMilli());
                q.setLong(6, now.toEpochMilli());
                q.setLong(7, entry.seq());
                q.executeUpdate();
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("saving the service's reply to support request " + entry.seq() + " in " + db.file
                        + " failed: " + e.getMessage(), e);
            }
            return find(entry.seq());
        }
    }

    private static void setInstant(PreparedStatement q, int index, Instant value) throws SQLException {
        if (value == null) {
            q.setNull(index, Types.INTEGER);
        } else {
            q.setLong(index, value.toEpochMilli());
        }
    }

    private Optional<SupportRecord> query(String sql, Long seq) {
        synchronized (db) {
            return db.read(() -> {
                try (PreparedStatement q = db.connection.prepareStatement(sql)) {
                    if (seq != null) {
                        q.setLong(1, seq);
                    }
                    try (ResultSet rs = q.executeQuery()) {
                        return rs.next() ? Optional.of(record(rs)) : Optional.empty();
                    }
                }
            });
        }
    }

    private static SupportRecord record(ResultSet rs) throws SQLException {
        String need = rs.getString("need");
        String state = rs.getString("state");
        String by = rs.getString("by_role");
        return new SupportRecord(rs.getLong("seq"), need == null ? null : SupportNeed.valueOf(need.toUpperCase(Locale.ROOT)),
                rs.getInt("need_chosen") == 1, Instant.ofEpochMilli(rs.getLong("made_at")), rs.getInt("delivered") == 1,
                rs.getString("refused"), state == null ? null : SupportReply.State.valueOf(state.toUpperCase(Locale.ROOT)),
                by == null ? null : SupportReply.Role.valueOf(by.toUpperCase(Locale.ROOT)), instant(rs, "contact_from"),
                instant(rs, "contact_before"), instant(rs, "reply_issued"), instant(rs, "answered_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
