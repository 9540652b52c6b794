package org.breathgate.receiver.care.people;

import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which client a device is lent to, and when (table {@code care_device_assignments}). Evidence
 * belongs to the client whose assignment holds the event's time, so a device lent to another family
 * later never mixes their histories.
 */
public final class DeviceAssignments {

    private static final String COLUMNS = "id, client_id, device_id, from_ms, until_ms";

    private final Database database;

    public DeviceAssignments(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * Lends {@code deviceId} to {@code clientId} from {@code from} on.
     *
     * @throws IllegalStateException if the device is still lent to someone (end that first)
     */
    public Assignment assign(String deviceId, String clientId, Instant from) {
        DeviceIds.check(deviceId);
        return Sql.write(database, "assigning " + deviceId + " to " + clientId, c -> {
            return insert(c, deviceId, clientId, from);
        });
    }

    /**
     * Lends {@code deviceId} to {@code clientId} from {@code from} on, in the caller's transaction.
     *
     * @throws IllegalStateException if the device is still lent to someone (end that first)
     */
    public static Assignment insert(Connection c, String deviceId, String clientId, Instant from) throws SQLException {
        DeviceIds.check(deviceId);
        for (Assignment a : forDevice(c, deviceId)) {
            if (a.until() == null || a.until().isAfter(from)) {
                throw new IllegalStateException("device " + deviceId + " is lent to client " + a.clientId() + " from " + a.from()
                        + (a.until() == null ? " and not yet returned" : " until " + a.until()) + "; end that assignment first");
            }
        }
        try (PreparedStatement s = c.prepareStatement("insert into care_device_assignments (client_id, device_id, from_ms) "
                + "values (?, ?, ?)")) {
            s.setString(1, clientId);
            s.setString(2, deviceId);
            s.setLong(3, from.toEpochMilli());
            s.executeUpdate();
        }
        return current(c, deviceId).orElseThrow();
    }

    /** Ends assignment {@code a} at {@code at}, in the caller's transaction; the assignment as it now stands. */
    public static Assignment end(Connection c, Assignment a, Instant at) throws SQLException {
        if (!at.isAfter(a.from())) {
            throw new IllegalStateException("a loan cannot end before it began (" + a.from() + ")");
        }
        try (PreparedStatement s = c.prepareStatement("update care_device_assignments set until_ms = ? where id = ?")) {
            s.setLong(1, at.toEpochMilli());
            s.setLong(2, a.id());
            s.executeUpdate();
        }
        return new Assignment(a.id(), a.clientId(), a.deviceId(), a.from(), at);
    }

    /** Ends the device's current assignment at {@code at} (the device was returned). */
    public void end(String deviceId, Instant at) {
        Sql.write(database, "ending the assignment of " + deviceId, c -> {
            Assignment a = current(c, deviceId)
                    .orElseThrow(() -> new IllegalStateException("device " + deviceId + " is not lent to anyone"));
            try (PreparedStatement s = c.prepareStatement("update care_device_assignments set until_ms = ? where id = ?")) {
                s.setLong(1, at.toEpochMilli());
                s.setLong(2, a.id());
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The client the device was lent to at {@code at}, if any. */
    public Optional<String> clientAt(String deviceId, Instant at) {
        return Sql.read(database, "resolving the client of " + deviceId, c -> clientAt(c, deviceId, at));
    }

    public static Optional<String> clientAt(Connection c, String deviceId, Instant at) throws SQLException {
        for (Assignment a : forDevice(c, deviceId)) {
            if (a.holds(at)) {
                return Optional.of(a.clientId());
            }
        }
        return Optional.empty();
    }

    /**
     * The assignment nearest {@code at} for a device lent to nobody at that time: the last one that ended before it, else
     * the first that began after it; empty if the device was never lent.
     */
    public static Optional<Assignment> nearest(Connection c, String deviceId, Instant at) throws SQLException {
        Assignment before = null;
        Assignment after = null;
        for (Assignment a : forDevice(c, deviceId)) {
            if (a.until() != null && !a.until().isAfter(at)) {
                before = a;
            } else if (after == null && a.from().isAfter(at)) {
                after = a;
            }
        }
        return Optional.ofNullable(before != null ? before : after);
    }

    /** Every assignment of the client, oldest first. */
    public List<Assignment> ofClient(String clientId) {
        return Sql.read(database, "reading the devices of " + clientId, c -> ofClient(c, clientId));
    }

    public static List<Assignment> ofClient(Connection c, String clientId) throws SQLException {
        return query(c, "select " + COLUMNS + " from care_device_assignments where client_id = ? order by from_ms", clientId);
    }

    /** The assignments still running: the devices in use. */
    public List<Assignment> active() {
        return Sql.read(database, "reading the devices in use", c -> query(c,
                "select " + COLUMNS + " from care_device_assignments where until_ms is null order by device_id", null));
    }

    private static Optional<Assignment> current(Connection c, String deviceId) throws SQLException {
        return forDevice(c, deviceId).stream().filter(Assignment::active).findFirst();
    }

    private static List<Assignment> forDevice(Connection c, String deviceId) throws SQLException {
        return query(c, "select " + COLUMNS + " from care_device_assignments where device_id = ? order by from_ms", deviceId);
    }

    private static List<Assignment> query(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (param != null) {
                q.setString(1, param);
            }
            List<Assignment> result = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    result.add(new Assignment(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                            Sql.instant(rs, 5)));
                }
            }
            return result;
        }
    }
}
