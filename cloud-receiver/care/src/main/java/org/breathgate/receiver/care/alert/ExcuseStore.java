package org.breathgate.receiver.care.alert;

import org.breathgate.care.alert.Excuse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Excuses in table {@code care_excuses}, beside the events they excuse (which stay as signed). */
public final class ExcuseStore {

    private ExcuseStore() {
    }

    /** Stores {@code excuse}; an event has at most one. */
    public static void insert(Connection c, Excuse excuse, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into care_excuses (device_id, seq, client_id, by_user, note, at_ms) "
                + "values (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, excuse.deviceId());
            s.setLong(2, excuse.seq());
            s.setString(3, clientId);
            s.setString(4, excuse.by());
            s.setString(5, excuse.note());
            s.setLong(6, excuse.at().toEpochMilli());
            s.executeUpdate();
        }
    }

    public static Optional<Excuse> find(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select by_user, note, at_ms from care_excuses where device_id = ? and seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(new Excuse(deviceId, seq, rs.getString(1), rs.getString(2),
                        Instant.ofEpochMilli(rs.getLong(3)))) : Optional.empty();
            }
        }
    }

    public static int deleteOfClient(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from care_excuses where client_id = ?")) {
            s.setString(1, clientId);
            return s.executeUpdate();
        }
    }
}
