package org.breathgate.receiver.care;

import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.StoredJws;
import org.breathgate.receiver.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the receiver's {@code evidence} table as the care workflow attributes it: an event belongs to
 * the client whose device assignment holds its <em>attribution time</em> — the device's clock when it
 * was synchronised, else the time the receiver got it (an unsynchronised Pi clock lags and may read a
 * date long before the assignment).
 */
public final class EvidenceQueries {

    /** One stored event with its receipt time. */
    public record Stored(EvidenceEvent event, String compact, Instant receivedAt) {
    }

    private EvidenceQueries() {
    }

    /** The instant that decides which assignment (and so which client) an event belongs to. */
    public static Instant attributionTime(EvidenceEvent event, Instant receivedAt) {
        return event.clock().synced() ? event.clock().wall() : receivedAt;
    }

    /** The events of {@code deviceId} whose attribution time lies in {@code [from, until)}, in that time's order. */
    public static List<Stored> events(Connection c, String deviceId, Instant from, Instant until) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select compact, received_at_ms from evidence where device_id = ? and ("
                + "(clock_synced = ? and device_time_ms >= ? and device_time_ms < ?) or "
                + "(clock_synced = ? and received_at_ms >= ? and received_at_ms < ?)) order by seq")) {
            q.setString(1, deviceId);
            q.setBoolean(2, true);
            q.setLong(3, from.toEpochMilli());
            q.setLong(4, until.toEpochMilli());
            q.setBoolean(5, false);
            q.setLong(6, from.toEpochMilli());
            q.setLong(7, until.toEpochMilli());
            List<Stored> events = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    events.add(new Stored(decode(rs.getString(1)), rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))));
                }
            }
            events.sort((a, b) -> attributionTime(a.event(), a.receivedAt()).compareTo(attributionTime(b.event(), b.receivedAt())));
            return events;
        }
    }

    /** The stored event {@code deviceId#seq}, if any. */
    public static java.util.Optional<Stored> event(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select compact, received_at_ms from evidence where device_id = ? and seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next()
                        ? java.util.Optional.of(new Stored(decode(rs.getString(1)), rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))))
                        : java.util.Optional.empty();
            }
        }
    }

    /** When the receiver last heard anything (evidence or status) from the device, if ever. */
    public static java.util.Optional<Instant> lastHeard(Connection c, String deviceId) throws SQLException {
        long latest = Long.MIN_VALUE;
        for (String sql : new String[] {"select max(received_at_ms) from evidence where device_id = ?",
                "select max(received_at_ms) from device_status where device_id = ?"}) {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        long v = rs.getLong(1);
                        if (!rs.wasNull()) {
                            latest = Math.max(latest, v);
                        }
                    }
                }
            }
        }
        return latest == Long.MIN_VALUE ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(latest));
    }

    /** Deletes the events of {@code deviceId} whose attribution time lies in {@code [from, until)}; returns how many. */
    public static int delete(Connection c, String deviceId, Instant from, Instant until) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from evidence where device_id = ? and ("
                + "(clock_synced = ? and device_time_ms >= ? and device_time_ms < ?) or "
                + "(clock_synced = ? and received_at_ms >= ? and received_at_ms < ?))")) {
            s.setString(1, deviceId);
            s.setBoolean(2, true);
            s.setLong(3, from.toEpochMilli());
            s.setLong(4, until.toEpochMilli());
            s.setBoolean(5, false);
            s.setLong(6, from.toEpochMilli());
            s.setLong(7, until.toEpochMilli());
            return s.executeUpdate();
        }
    }

    /** The message inside stored compact JWS bytes, which were verified before they were stored. */
    static EvidenceEvent decode(String compact) {
        try {
            return (EvidenceEvent) StoredJws.read(compact).message();
        } catch (InvalidMessageException e) {
            throw new StoreException("a stored evidence message no longer decodes (" + e.getMessage() + ")", e);
        }
    }
}
