package org.breathgate.receiver.care.delivery;

import org.breathgate.receiver.evidence.db.Database;

import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The outbox rows in {@code care_alert_deliveries} (see {@link Delivery}), on the caller's connection. Every state
 * change is guarded by the state it expects, so a row replayed or finished elsewhere is never overwritten.
 */
public final class DeliveryStore {

    private static final String COLUMNS = "id, alert_key, channel, reason, state, attempts, created_at_ms, next_attempt_ms, "
            + "delivered_at_ms, last_error, recipient, source_id, payload";
    /** PostgreSQL's column is varchar(1000). */
    static final int MAX_ERROR = 1000;

    private DeliveryStore() {
    }

    /** Inbox rows (one per alert command) whose e-mail and webhook rows have not been made yet, oldest first. */
    public static List<Delivery> toFanOut(Connection c, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_alert_deliveries where channel = 'inbox' "
                + "and fanned_out_at_ms is null order by id limit ?")) {
            q.setInt(1, limit);
            return read(q);
        }
    }

    /** Records that the inbox row {@code id} has been fanned out. */
    static boolean markFannedOut(Connection c, long id, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set fanned_out_at_ms = ? where id = ? "
                + "and fanned_out_at_ms is null")) {
            s.setLong(1, at.toEpochMilli());
            s.setLong(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** Adds a pending row for {@code recipient}, due at once; returns its id. */
    static long addPending(Connection c, Delivery source, String channel, String recipient, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into care_alert_deliveries (alert_key, channel, reason, state, attempts, "
                + "created_at_ms, next_attempt_ms, recipient, source_id) values (?, ?, ?, 'pending', 0, ?, ?, ?, ?)")) {
            s.setString(1, source.alertKey());
            s.setString(2, channel);
            s.setString(3, source.reason());
            s.setLong(4, now.toEpochMilli());
            s.setLong(5, now.toEpochMilli());
            s.setString(6, recipient);
            s.setLong(7, source.id());
            s.executeUpdate();
        }
        try (PreparedStatement q = c.prepareStatement("select id from care_alert_deliveries where source_id = ? and channel = ? "
                + "and recipient = ?")) {
            q.setLong(1, source.id());
            q.setString(2, channel);
            q.setString(3, recipient);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the delivery just added for " + recipient + " is not there");
                }
                return rs.getLong(1);
            }
        }
    }

    static void setPayload(Connection c, long id, String payload) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set payload = ? where id = ?")) {
            s.setString(1, payload);
            s.setLong(2, id);
            s.executeUpdate();
        }
    }

    /** Pending e-mail and webhook rows due at {@code now}, soonest first, leaving out {@code skip} (in flight). */
    public static List<Delivery> due(Connection c, Instant now, Collection<Long> skip, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_alert_deliveries where state = 'pending' "
                + "and next_attempt_ms <= ? order by next_attempt_ms, id limit ?")) {
            q.setLong(1, now.toEpochMilli());
            q.setInt(2, limit + skip.size());
            List<Delivery> due = new ArrayList<>();
            for (Delivery d : read(q)) {
                if (!skip.contains(d.id()) && due.size() < limit) {
                    due.add(d);
                }
            }
            return due;
        }
    }

    /**
     * Claims up to {@code limit} pending e-mail and webhook rows due at {@code now} for {@code holder} until {@code until},
     * soonest first, and returns them: rows unclaimed or whose claim lapsed (the claimer died mid-send). On PostgreSQL
     * with {@code FOR UPDATE SKIP LOCKED}, so receivers claiming at once each take other rows without waiting for each
     * other; on SQLite (one writer at a time) each row is taken by a guarded update. Either way a row is claimed by one
     * instance at a time, so several receivers on one database send each delivery once.
     */
    public static List<Delivery> claimDue(Connection c, Database.Dialect dialect, Instant now, String holder, Instant until, int limit)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        String due = "state = 'pending' and next_attempt_ms <= ? and (claimed_until_ms is null or claimed_until_ms < ?)";
        if (dialect == Database.Dialect.POSTGRESQL) {
            try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set claimed_by = ?, claimed_until_ms = ? where id in ("
                    + "select id from care_alert_deliveries where " + due + " order by next_attempt_ms, id limit ? for update skip locked)"
                    + " returning id")) {
                s.setString(1, holder);
                s.setLong(2, until.toEpochMilli());
                s.setLong(3, now.toEpochMilli());
                s.setLong(4, now.toEpochMilli());
                s.setInt(5, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
        } else {
            List<Long> candidates = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select id from care_alert_deliveries where " + due
                    + " order by next_attempt_ms, id limit ?")) {
                q.setLong(1, now.toEpochMilli());
                q.setLong(2, now.toEpochMilli());
                q.setInt(3, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set claimed_by = ?, claimed_until_ms = ? where id = ? and "
                    + due)) {
                for (long id : candidates) {
                    s.setString(1, holder);
                    s.setLong(2, until.toEpochMilli());
                    s.setLong(3, id);
                    s.setLong(4, now.toEpochMilli());
                    s.setLong(5, now.toEpochMilli());
                    if (s.executeUpdate() == 1) {
                        ids.add(id);
                    }
                }
            }
        }
        List<Delivery> claimed = new ArrayList<>();
        for (long id : ids) {
            find(c, id).ifPresent(claimed::add);
        }
        claimed.sort(java.util.Comparator.comparing((Delivery d) -> d.nextAttemptAt() == null ? Instant.MIN : d.nextAttemptAt())
                .thenComparingLong(Delivery::id));
        return claimed;
    }

    /** When the next pending row is due, if any. */
    static Optional<Instant> nextDue(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select min(next_attempt_ms) from care_alert_deliveries where state = 'pending'");
             ResultSet rs = q.executeQuery()) {
            return rs.next() ? Optional.ofNullable(Sql.instant(rs, 1)) : Optional.empty();
        }
    }

    public static Optional<Delivery> find(Connection c, long id) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_alert_deliveries where id = ?")) {
            q.setLong(1, id);
            List<Delivery> found = read(q);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** E-mail and webhook rows, newest first; only those in {@code state} unless it is {@code null}. */
    public static List<Delivery> list(Connection c, String state, int limit) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_alert_deliveries where channel <> 'inbox' "
                + (state == null ? "" : "and state = ? ") + "order by id desc limit ?")) {
            int i = 1;
            if (state != null) {
                q.setString(i++, state);
            }
            q.setInt(i, limit);
            return read(q);
        }
    }

    /** Every row of an alert, oldest first (the inbox rows too). */
    public static List<Delivery> ofAlert(Connection c, String alertKey) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_alert_deliveries where alert_key = ? order by id")) {
            q.setString(1, alertKey);
            return read(q);
        }
    }

    /** A pending row was delivered by attempt {@code attempts}. */
    static boolean markDelivered(Connection c, long id, int attempts, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set state = 'delivered', attempts = ?, "
                + "delivered_at_ms = ?, next_attempt_ms = null, claimed_by = null, claimed_until_ms = null where id = ? and state = 'pending'")) {
            s.setInt(1, attempts);
            s.setLong(2, at.toEpochMilli());
            s.setLong(3, id);
            return s.executeUpdate() == 1;
        }
    }

    /** A pending row's attempt failed; it is tried again at {@code next}. */
    static boolean reschedule(Connection c, long id, int attempts, Instant next, String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set attempts = ?, next_attempt_ms = ?, "
                + "last_error = ?, claimed_by = null, claimed_until_ms = null where id = ? and state = 'pending'")) {
            s.setInt(1, attempts);
            s.setLong(2, next.toEpochMilli());
            s.setString(3, clip(error));
            s.setLong(4, id);
            return s.executeUpdate() == 1;
        }
    }

    /** A pending row goes to the dead-letter list ({@code dead}) or is {@code withheld}. */
    public static boolean finish(Connection c, long id, String state, int attempts, String error) throws SQLException {
        if (!state.equals(Delivery.DEAD) && !state.equals(Delivery.WITHHELD)) {
            throw new IllegalArgumentException("finish to dead or withheld, not " + state);
        }
        try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set state = ?, attempts = ?, "
                + "next_attempt_ms = null, last_error = ?, claimed_by = null, claimed_until_ms = null where id = ? and state = 'pending'")) {
            s.setString(1, state);
            s.setInt(2, attempts);
            s.setString(3, clip(error));
            s.setLong(4, id);
            return s.executeUpdate() == 1;
        }
    }

    /** A dead row goes back to pending, due at {@code now}, with its attempts counted afresh. */
    public static boolean replay(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_alert_deliveries set state = 'pending', attempts = 0, "
                + "next_attempt_ms = ?, claimed_by = null, claimed_until_ms = null where id = ? and state = 'dead'")) {
            s.setLong(1, now.toEpochMilli());
            s.setLong(2, id);
            return s.executeUpdate() == 1;
        }
    }

    private static String clip(String error) {
        if (error == null) {
            return null;
        }
        return error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 1) + "…";
    }

    private static List<Delivery> read(PreparedStatement q) throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                long source = rs.getLong(12);
                Long sourceId = rs.wasNull() ? null : source;
                rows.add(new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                        Instant.ofEpochMilli(rs.getLong(7)), Sql.instant(rs, 8), Sql.instant(rs, 9), rs.getString(10),
                        rs.getString(11), sourceId, rs.getString(13)));
            }
        }
        return rows;
    }
}
