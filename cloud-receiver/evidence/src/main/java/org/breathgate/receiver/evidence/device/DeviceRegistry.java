package org.breathgate.receiver.evidence.device;

import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.KeyType;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enrolled devices and their public keys: who may send evidence. A device may have several key
 * versions (rotation); a revoked key version, or any key of a revoked device, is refused.
 *
 * <p>Lookups are cached for {@link #CACHE_TTL} so that ingest does not read the database for every
 * message; changes made through this registry take effect at once, changes made by another receiver
 * instance on a shared database within {@link #CACHE_TTL}. Thread-safe.
 */
public final class DeviceRegistry implements KeyResolver {

    /** How long a key lookup is reused: short, so a revocation elsewhere bites quickly. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(5);

    private final Database database;
    private final Clock clock;
    private final Map<KeyId, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(KeyStatus status, Instant expires) {
    }

    private record Known(boolean enrolled, Instant expires) {
    }

    /** Answers of {@link #isEnrolled} kept at most. */
    static final int ENROLLED_CACHE_SIZE = 100_000;
    private final Map<String, Known> enrolled = new ConcurrentHashMap<>();

    public DeviceRegistry(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Enrolls {@code key} under its {@link KeyId}: creates the device if new, adds the key version.
     * Enrolling the same key again does nothing.
     *
     * @throws IllegalArgumentException if the kid is the receiver's, or that key version is already
     *                                  enrolled with another key (key versions are never reused)
     * @throws IllegalStateException    if the device is revoked
     */
    public void enroll(VerificationKey key) {
        enroll(key, null);
    }

    /**
     * Enrolls {@code key} as {@link #enroll(VerificationKey)} does, with its type, and, when {@code attestation} is
     * given, as hardware-bound with that attestation (in the same transaction).
     *
     * @param attestation what a verified TPM attestation established for exactly this key, or {@code null}
     */
    public void enroll(VerificationKey key, KeyAttestation attestation) {
        KeyId id = key.keyId();
        if (id.isReceiver()) {
            throw new IllegalArgumentException("the receiver's own key cannot be enrolled as a device");
        }
        long now = clock.millis();
        write("enrolling " + id, c -> {
            Optional<Boolean> revoked = deviceRevoked(c, id.owner());
            if (revoked.isEmpty()) {
                try (PreparedStatement insert = c.prepareStatement(
                        "insert into devices (device_id, status, enrolled_at_ms) values (?, 'active', ?)")) {
                    insert.setString(1, id.owner());
                    insert.setLong(2, now);
                    insert.executeUpdate();
                }
            } else if (revoked.get()) {
                throw new IllegalStateException("device " + id.owner() + " is revoked; enroll it under a new device id");
            }
            try (PreparedStatement existing = c.prepareStatement(
                    "select public_key, key_type from device_keys where device_id = ? and key_version = ?")) {
                existing.setString(1, id.owner());
                existing.setInt(2, id.version());
                try (ResultSet rs = existing.executeQuery()) {
                    if (rs.next()) {
                        if (!Arrays.equals(rs.getBytes(1), key.raw()) || !rs.getString(2).equals(key.type().name())) {
                            throw new IllegalArgumentException("key " + id + " is already enrolled with another public key; "
                                    + "a rotated key needs a new version number");
                        }
                        return null;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into device_keys (device_id, key_version, public_key, added_at_ms, key_type, hardware_bound)"
                            + " values (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id.owner());
                insert.setInt(2, id.version());
                insert.setBytes(3, key.raw());
                insert.setLong(4, now);
                insert.setString(5, key.type().name());
                insert.setBoolean(6, attestation != null);
                insert.executeUpdate();
            }
            if (attestation != null) {
                try (PreparedStatement insert = c.prepareStatement("insert into device_key_attestations (device_id, key_version,"
                        + " attested_at_ms, tpm_manufacturer, tpm_model, tpm_version, ek_certificate_sha256, ek_issuer, trust_anchor, record)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, id.owner());
                    insert.setInt(2, id.version());
                    insert.setLong(3, attestation.attestedAt().toEpochMilli());
                    insert.setString(4, cap(attestation.tpmManufacturer(), 128));
                    insert.setString(5, cap(attestation.tpmModel(), 128));
                    insert.setString(6, cap(attestation.tpmVersion(), 128));
                    insert.setString(7, attestation.ekCertificateSha256());
                    insert.setString(8, cap(attestation.ekIssuer(), 1000));
                    insert.setString(9, cap(attestation.trustAnchor(), 1000));
                    insert.setString(10, attestation.record());
                    insert.executeUpdate();
                }
            }
            return null;
        });
        cache.keySet().removeIf(k -> k.owner().equals(id.owner())); // a new version supersedes the older ones
        enrolled.remove(id.owner());
    }

    /**
     * Revokes the whole device: nothing it signs is accepted from now on, and its broker login ({@link BrokerLogins}) is
     * deleted in the same transaction, so it can no longer log in to the broker either.
     */
    public void revokeDevice(String deviceId) {
        DeviceIds.check(deviceId);
        int changed = write("revoking " + deviceId, c -> {
            Instant now = clock.instant();
            int updated;
            try (PreparedStatement update = c.prepareStatement(
                    "update devices set status = 'revoked', revoked_at_ms = ? where device_id = ? and status = 'active'")) {
                update.setLong(1, now.toEpochMilli());
                update.setString(2, deviceId);
                updated = update.executeUpdate();
            }
            if (updated > 0) {
                BrokerLogins.remove(c, deviceId, now);
            }
            return updated;
        });
        if (changed == 0 && device(deviceId).isEmpty()) {
            throw new IllegalArgumentException("device " + deviceId + " is not enrolled");
        }
        cache.keySet().removeIf(k -> k.owner().equals(deviceId));
    }

    /** Revokes one key version; the device's other versions stay valid. */
    public void revokeKey(KeyId keyId) {
        int changed = write("revoking " + keyId, c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "update device_keys set revoked_at_ms = ? where device_id = ? and key_version = ? and revoked_at_ms is null")) {
                update.setLong(1, clock.millis());
                update.setString(2, keyId.owner());
                update.setInt(3, keyId.version());
                return update.executeUpdate();
            }
        });
        if (changed == 0 && device(keyId.owner()).map(d -> d.keys().stream().noneMatch(k -> k.keyId().equals(keyId))).orElse(true)) {
            throw new IllegalArgumentException("key " + keyId + " is not enrolled");
        }
        cache.remove(keyId);
    }

    /** The device with its keys, if enrolled. */
    public Optional<Device> device(String deviceId) {
        return read("device " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "select status, enrolled_at_ms, revoked_at_ms from devices where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Device>empty();
                    }
                    boolean revoked = rs.getString(1).equals("revoked");
                    Instant enrolled = Instant.ofEpochMilli(rs.getLong(2));
                    long revokedMs = rs.getLong(3);
                    Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revokedMs);
                    return Optional.of(new Device(deviceId, revoked, enrolled, revokedAt, keys(c, deviceId)));
                }
            }
        });
    }

    /**
     * Whether {@code deviceId} was ever enrolled (active or revoked), cached for {@link #CACHE_TTL}: ingest asks for every
     * message, so that traffic for devices nobody enrolled is dropped before it costs a database write. At most
     * {@link #ENROLLED_CACHE_SIZE} answers are cached (a flood of made-up ids empties the cache rather than filling memory).
     */
    public boolean isEnrolled(String deviceId) {
        Instant now = clock.instant();
        Known cached = enrolled.get(deviceId);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.enrolled();
        }
        boolean fresh = read("device " + deviceId, c -> {
            try (PreparedStatement q = c.prepareStatement("select 1 from devices where device_id = ?")) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (enrolled.size() >= ENROLLED_CACHE_SIZE) {
            enrolled.clear();
        }
        enrolled.put(deviceId, new Known(fresh, now.plus(CACHE_TTL)));
        return fresh;
    }

    /** Every enrolled device id, sorted. */
    public List<String> deviceIds() {
        return read("device ids", c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("select device_id from devices order by device_id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return List.copyOf(ids);
        });
    }

    /** What the registry knows of {@code keyId} (cached for {@link #CACHE_TTL}). */
    public KeyStatus status(KeyId keyId) {
        Instant now = clock.instant();
        Cached cached = cache.get(keyId);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.status();
        }
        KeyStatus fresh = load(keyId);
        cache.put(keyId, new Cached(fresh, now.plus(CACHE_TTL)));
        return fresh;
    }

    /** The key for {@code keyId} if it is valid now: enrolled, not revoked, device active. */
    @Override
    public Optional<VerificationKey> find(KeyId keyId) {
        KeyStatus status = status(keyId);
        return status instanceof KeyStatus.Valid valid ? Optional.of(valid.key()) : Optional.empty();
    }

    private KeyStatus load(KeyId keyId) {
        if (keyId.isReceiver()) {
            return new KeyStatus.Unknown();
        }
        return read("key " + keyId, c -> {
            try (PreparedStatement q = c.prepareStatement("select d.status, k.public_key, k.revoked_at_ms, k.key_type,"
                    + " (select max(l.key_version) from device_keys l where l.device_id = d.device_id) from devices d"
                    + " left join device_keys k on k.device_id = d.device_id and k.key_version = ? where d.device_id = ?")) {
                q.setInt(1, keyId.version());
                q.setString(2, keyId.owner());
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return new KeyStatus.Unknown();
                    }
                    if (rs.getString(1).equals("revoked")) {
                        return new KeyStatus.RevokedDevice();
                    }
                    byte[] raw = rs.getBytes(2);
                    if (raw == null) {
                        return new KeyStatus.Unknown();
                    }
                    rs.getLong(3);
                    if (!rs.wasNull()) {
                        return new KeyStatus.RevokedKey();
                    }
                    return new KeyStatus.Valid(VerificationKey.fromRaw(keyId, KeyType.valueOf(rs.getString(4)), raw),
                            rs.getInt(5) > keyId.version());
                }
            }
        });
    }

    /** Every key version of {@code deviceId}, oldest first, with type and attestation, read on {@code c} (a caller's transaction). */
    public static List<DeviceKey> keys(Connection c, String deviceId) throws SQLException {
        List<DeviceKey> keys = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select k.key_version, k.public_key, k.added_at_ms, k.revoked_at_ms, k.key_type,"
                + " a.attested_at_ms, a.tpm_manufacturer, a.tpm_model, a.tpm_version, a.ek_certificate_sha256, a.ek_issuer, a.trust_anchor,"
                + " a.record from device_keys k left join device_key_attestations a"
                + " on a.device_id = k.device_id and a.key_version = k.key_version"
                + " where k.device_id = ? order by k.key_version")) {
            q.setString(1, deviceId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    VerificationKey key = VerificationKey.fromRaw(new KeyId(deviceId, rs.getInt(1)), KeyType.valueOf(rs.getString(5)),
                            rs.getBytes(2));
                    Instant added = Instant.ofEpochMilli(rs.getLong(3));
                    long revokedMs = rs.getLong(4);
                    Instant revoked = rs.wasNull() ? null : Instant.ofEpochMilli(revokedMs);
                    long attestedMs = rs.getLong(6);
                    KeyAttestation attestation = rs.wasNull() ? null : new KeyAttestation(rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), Instant.ofEpochMilli(attestedMs),
                            rs.getString(13));
                    keys.add(new DeviceKey(key, added, revoked, attestation));
                }
            }
        }
        return keys;
    }

    private static String cap(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static Optional<Boolean> deviceRevoked(Connection c, String deviceId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select status from devices where device_id = ?")) {
            q.setString(1, deviceId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1).equals("revoked")) : Optional.empty();
            }
        }
    }

    private <T> T read(String what, Database.SqlWork<T> work) {
        try {
            return database.read(work);
        } catch (SQLException e) {
            throw new StoreException("reading " + what + " from the device registry failed: " + e.getMessage(), e);
        }
    }

    private <T> T write(String what, Database.SqlWork<T> work) {
        try {
            return database.inTransaction(work);
        } catch (SQLException e) {
            throw new StoreException(what + " in the device registry failed: " + e.getMessage(), e);
        }
    }
}
