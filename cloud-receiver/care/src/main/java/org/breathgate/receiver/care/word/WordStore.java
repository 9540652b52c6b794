package org.breathgate.receiver.care.word;

import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parent's own word in tables {@code care_explanations} and {@code care_absences}: beside the events, never in them. Rows
 * are added, never overwritten: a later explanation gets the next number; an absence is decided once.
 */
public final class WordStore {

    private WordStore() {
    }

    /** Adds {@code e} as the event's next explanation; returns it with the number it was stored under. */
    public static Explanation add(Connection c, Explanation e, String clientId) throws SQLException {
        int n;
        try (PreparedStatement q = c.prepareStatement("select coalesce(max(n), 0) from care_explanations where device_id = ? and seq = ?")) {
            q.setString(1, e.deviceId());
            q.setLong(2, e.seq());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                n = rs.getInt(1) + 1;
            }
        }
        Explanation stored = new Explanation(e.deviceId(), e.seq(), n, e.choice(), e.text(), e.by(), e.at());
        try (PreparedStatement s = c.prepareStatement("insert into care_explanations (device_id, seq, n, client_id, choice, note, by_user, at_ms) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, stored.deviceId());
            s.setLong(2, stored.seq());
            s.setInt(3, n);
            s.setString(4, clientId);
            s.setString(5, stored.choice().wireName());
            s.setString(6, stored.text());
            s.setString(7, stored.by());
            s.setLong(8, stored.at().toEpochMilli());
            s.executeUpdate();
        }
        return stored;
    }

    /** The event's explanations, oldest first. */
    public static List<Explanation> explanations(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select n, choice, note, by_user, at_ms from care_explanations "
                + "where device_id = ? and seq = ? order by n")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            List<Explanation> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Explanation(deviceId, seq, rs.getInt(1), Explanation.Choice.ofWire(rs.getString(2)), rs.getString(3),
                            rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
            return out;
        }
    }

    public static void insert(Connection c, PlannedAbsence a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into care_absences (id, client_id, from_ms, to_ms, kind, note, announced_by, "
                + "announced_at_ms, status) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, a.id());
            s.setString(2, a.clientId());
            s.setLong(3, a.from().toEpochMilli());
            s.setLong(4, a.to().toEpochMilli());
            s.setString(5, a.kind().wireName());
            s.setString(6, a.text());
            s.setString(7, a.announcedBy());
            s.setLong(8, a.announcedAt().toEpochMilli());
            s.setString(9, a.status().wireName());
            s.executeUpdate();
        }
    }

    /**
     * Stores the decision on a pending absence.
     *
     * @throws IllegalStateException if it was decided meanwhile (a decision is never overwritten)
     */
    public static void decide(Connection c, PlannedAbsence decided) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("update care_absences set status = ?, decided_by = ?, decided_at_ms = ?, "
                + "decision_note = ? where id = ? and status = 'pending'")) {
            s.setString(1, decided.status().wireName());
            s.setString(2, decided.decidedBy());
            s.setLong(3, decided.decidedAt().toEpochMilli());
            if (decided.decisionNote() == null) {
                s.setNull(4, Types.VARCHAR);
            } else {
                s.setString(4, decided.decisionNote());
            }
            s.setString(5, decided.id());
            if (s.executeUpdate() != 1) {
                throw new IllegalStateException("absence " + decided.id() + " was decided already");
            }
        }
    }

    public static Optional<PlannedAbsence> absence(Connection c, String id) throws SQLException {
        List<PlannedAbsence> found = query(c, "where id = ?", id);
        return found.stream().findFirst();
    }

    /** The client's absences, by start. */
    public static List<PlannedAbsence> absencesOf(Connection c, String clientId) throws SQLException {
        return query(c, "where client_id = ? order by from_ms, id", clientId);
    }

    private static List<PlannedAbsence> query(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select id, client_id, from_ms, to_ms, kind, note, announced_by, announced_at_ms, "
                + "status, decided_by, decided_at_ms, decision_note from care_absences " + where)) {
            q.setString(1, arg);
            List<PlannedAbsence> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long decidedAt = rs.getLong(11);
                    boolean decided = !rs.wasNull();
                    out.add(new PlannedAbsence(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                            Instant.ofEpochMilli(rs.getLong(4)), PlannedAbsence.Kind.ofWire(rs.getString(5)), rs.getString(6),
                            rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), PlannedAbsence.Status.ofWire(rs.getString(9)),
                            rs.getString(10), decided ? Instant.ofEpochMilli(decidedAt) : null, rs.getString(12)));
                }
            }
            return out;
        }
    }

    /** Deletes the client's explanations and absences (retention); returns how many rows went. */
    public static int deleteOfClient(Connection c, String clientId) throws SQLException {
        int n = 0;
        for (String table : List.of("care_explanations", "care_absences")) {
            try (PreparedStatement s = c.prepareStatement("delete from " + table + " where client_id = ?")) {
                s.setString(1, clientId);
                n += s.executeUpdate();
            }
        }
        return n;
    }
}
