package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Each device's login at the MQTT broker (table {@code broker_logins}): user name = device id, a random 192-bit password
 * the receiver makes and tells the device once, of which only the Mosquitto {@code $7$} hash is kept. A device may log in
 * exactly while it is active and has a row here; {@link DeviceRegistry#revokeDevice} deletes the row in the same
 * transaction, so a revoked device's login stops working with its revocation.
 *
 * <p>Every issue and removal is also appended to {@code broker_login_changes}, in order, so that a broker can disconnect
 * a device whose login changed, whoever changed it (an admin command in another process, another receiver instance).
 * Changes older than {@link #CHANGES_KEPT} are dropped as new ones are written. Thread-safe.
 */
public final class BrokerLogins {

    /** How long the change log keeps a change: far longer than any broker takes to read it. */
    public static final Duration CHANGES_KEPT = Duration.ofDays(1);

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;

    /** A login just made: the password exists only here (give it to the device, then forget it). */
    public record Issued(String deviceId, String username, String password) {
        public Issued {
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Issued[" + username + ", password hidden]";
        }
    }

    /** What happened to a device's login. */
    public enum ChangeKind { ISSUED, REMOVED }

    /** One entry of the change log. */
    public record Change(long id, String deviceId, ChangeKind kind, Instant at) {
    }

    public BrokerLogins(Database database, Clock clock, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Makes a new login for the active device {@code deviceId}, replacing any it had (the old password stops working).
     *
     * @param by who asked, for the record: {@code enrollment}, {@code device-request}, {@code cli:<user>}
     * @throws IllegalArgumentException if the device is not enrolled or is revoked
     */
    public Issued issue(String deviceId, String by) {
        return Sql.write(database, "making a broker login for " + deviceId, c -> issue(c, deviceId, by, clock.instant(), random));
    }

    /** {@link #issue(String, String)} in the caller's transaction on {@code c}. */
    public static Issued issue(Connection c, String deviceId, String by, Instant now, SecureRandom random) throws SQLException {
        DeviceIds.check(deviceId);
        try (PreparedStatement q = c.prepareStatement("select status from devices where device_id = ?")) {
            q.setString(1, deviceId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("device " + deviceId + " is not enrolled");
                }
                if (!rs.getString(1).equals("active")) {
                    throw new IllegalArgumentException("device " + deviceId + " is revoked: it gets no broker login");
                }
            }
        }
        String password = MosquittoPasswords.newPassword(random);
        String hash = MosquittoPasswords.hash(password, random);
        int updated;
        try (PreparedStatement u = c.prepareStatement(
                "update broker_logins set password_hash = ?, issued_at_ms = ?, issued_by = ? where device_id = ?")) {
            u.setString(1, hash);
            u.setLong(2, now.toEpochMilli());
            u.setString(3, cap(by, 128));
            u.setString(4, deviceId);
            updated = u.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement i = c.prepareStatement(
                    "insert into broker_logins (device_id, password_hash, issued_at_ms, issued_by) values (?, ?, ?, ?)")) {
                i.setString(1, deviceId);
                i.setString(2, hash);
                i.setLong(3, now.toEpochMilli());
                i.setString(4, cap(by, 128));
                i.executeUpdate();
            }
        }
        logChange(c, deviceId, ChangeKind.ISSUED, now);
        return new Issued(deviceId, deviceId, password);
    }

    /** Deletes {@code deviceId}'s login in the caller's transaction (revocation); true if it had one. */
    static boolean remove(Connection c, String deviceId, Instant now) throws SQLException {
        int removed;
        try (PreparedStatement d = c.prepareStatement("delete from broker_logins where device_id = ?")) {
            d.setString(1, deviceId);
            removed = d.executeUpdate();
        }
        logChange(c, deviceId, ChangeKind.REMOVED, now);
        return removed > 0;
    }

    /**
     * Whether {@code username}/{@code password} is the current login of an active device. The broker asks at every
     * connect; never cached, so a new login works and a removed one fails at once.
     */
    public boolean matches(String username, String password) {
        return check(username, password).isPresent();
    }

    /**
     * As {@link #matches}, returning the matched login's version (a value that changes whenever the login is replaced), so
     * that a broker can later tell whether a session still rests on the current login ({@link #currentVersion}).
     */
    public Optional<String> check(String username, String password) {
        if (username == null || password == null || !DeviceIds.isValid(username)) {
            return Optional.empty();
        }
        Optional<String> hash = currentVersion(username);
        return hash.isPresent() && MosquittoPasswords.matches(password, hash.get()) ? hash : Optional.empty();
    }

    /** The version of the active device {@code deviceId}'s current login (its stored hash), if it has one. */
    public Optional<String> currentVersion(String deviceId) {
        return Sql.read(database, "checking the broker login of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement("select l.password_hash from broker_logins l "
                    + "join devices d on d.device_id = l.device_id where l.device_id = ? and d.status = 'active'")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** When {@code deviceId}'s current login was made, if it has one. */
    public Optional<Instant> issuedAt(String deviceId) {
        return Sql.read(database, "reading the broker login of " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement("select issued_at_ms from broker_logins where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.<Instant>empty();
                }
            }
        });
    }

    /** The ids of the active devices that have a login, sorted. */
    public List<String> devicesWithLogins() {
        return Sql.read(database, "listing broker logins", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select l.device_id from broker_logins l join devices d "
                    + "on d.device_id = l.device_id where d.status = 'active' order by l.device_id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return List.copyOf(ids);
        });
    }

    /** The changes with an id above {@code afterId}, oldest first, at most {@code limit}. */
    public List<Change> changesAfter(long afterId, int limit) {
        return Sql.read(database, "reading broker login changes", c -> {
            List<Change> changes = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select id, device_id, change, at_ms from broker_login_changes "
                    + "where id > ? order by id limit ?")) {
                q.setLong(1, afterId);
                q.setInt(2, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        changes.add(new Change(rs.getLong(1), rs.getString(2),
                                rs.getString(3).equals("issued") ? ChangeKind.ISSUED : ChangeKind.REMOVED, Instant.ofEpochMilli(rs.getLong(4))));
                    }
                }
            }
            return List.copyOf(changes);
        });
    }

    /** The newest change's id, or 0: where a broker starting now begins to read. */
    public long lastChangeId() {
        return Sql.read(database, "reading broker login changes", c -> {
            try (PreparedStatement q = c.prepareStatement("select coalesce(max(id), 0) from broker_login_changes");
                 ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void logChange(Connection c, String deviceId, ChangeKind kind, Instant now) throws SQLException {
        try (PreparedStatement i = c.prepareStatement("insert into broker_login_changes (device_id, change, at_ms) values (?, ?, ?)")) {
            i.setString(1, deviceId);
            i.setString(2, kind == ChangeKind.ISSUED ? "issued" : "removed");
            i.setLong(3, now.toEpochMilli());
            i.executeUpdate();
        }
        try (PreparedStatement d = c.prepareStatement("delete from broker_login_changes where at_ms < ?")) {
            d.setLong(1, now.minus(CHANGES_KEPT).toEpochMilli());
            d.executeUpdate();
        }
    }

    private static String cap(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
