package org.breathgate.receiver.enroll;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.device.DeviceRegistry;
import org.breathgate.receiver.store.Database;
import org.breathgate.receiver.store.StoreException;
import org.breathgate.receiver.web.ApiException;

/**
 * Enrollment codes and the enrollment itself ({@code docs/protocol.md}, "Enrollment over HTTPS").
 *
 * <p>A code is consumed only together with the device it creates: the conditional update
 * ({@code used_at is null and expires_at > now}, row count checked), the device id check and the
 * {@link DeviceRegistry#enroll} of key version 1 run in one transaction on the database's single
 * writer connection, so two devices racing with one code get one success and one {@code code_used},
 * and a failed registration leaves the code unused. This relies on {@code registry} being built on
 * the same {@link Database} instance (its writer connection is re-entrant and the registry's commit
 * is the commit of the whole enrollment).
 */
public final class EnrollmentService {

    /** Device ids are {@code home-} and this many Crockford base32 symbols (lower case): 40 bits. */
    static final int ID_SYMBOLS = 8;

    private final Database database;
    private final DeviceRegistry registry;
    private final Clock clock;
    private final SecureRandom random;

    /** What a new code is: show {@link #code()} once; only its hash is kept. */
    public record IssuedCode(EnrollmentCode code, Instant expiresAt) {
    }

    /** A new device: its id, its first key, and its broker login (the password exists only here). */
    public record Enrolled(String deviceId, KeyId keyId, String mqttUsername, String mqttPassword) {
    }

    /** What the device sent, already checked for form by the caller. */
    public record Request(EnrollmentCode code, byte[] publicKey, String sensorSummary, String agentVersion, String hostname) {
        public Request {
            Objects.requireNonNull(code, "code");
            if (publicKey == null || publicKey.length != 32) {
                throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
            }
        }
    }

    public EnrollmentService(Database database, DeviceRegistry registry, Clock clock, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Creates a code valid for {@code lifetime}, recording who made it. */
    public IssuedCode createCode(Duration lifetime, String createdBy, String note) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a code's lifetime must be positive");
        }
        EnrollmentCode code = EnrollmentCode.generate(random);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        write("creating an enrollment code", c -> {
            try (PreparedStatement insert = c.prepareStatement("insert into enrollment_codes (code_hash, created_at_ms, expires_at_ms,"
                    + " created_by, note) values (?, ?, ?, ?, ?)")) {
                insert.setString(1, hash(code));
                insert.setLong(2, now.toEpochMilli());
                insert.setLong(3, expires.toEpochMilli());
                insert.setString(4, createdBy);
                insert.setString(5, note);
                insert.executeUpdate();
            }
            return null;
        });
        return new IssuedCode(code, expires);
    }

    /**
     * Enrolls a device with a one-time code.
     *
     * @throws ApiException 404 {@code unknown_code}, 409 {@code code_used}, 410 {@code code_expired}
     */
    public Enrolled enroll(Request request) {
        String password = MosquittoPasswords.newPassword(random);
        String passwordHash = MosquittoPasswords.hash(password, random);
        long now = clock.millis();
        return write("enrolling a device", c -> {
            String deviceId = newDeviceId(c);
            try (PreparedStatement use = c.prepareStatement("update enrollment_codes set used_at_ms = ?, device_id = ?, hostname = ?,"
                    + " agent_version = ?, sensor = ?, mqtt_username = ?, mqtt_password_hash = ?"
                    + " where code_hash = ? and used_at_ms is null and expires_at_ms > ?")) {
                use.setLong(1, now);
                use.setString(2, deviceId);
                use.setString(3, cap(request.hostname(), 255));
                use.setString(4, cap(request.agentVersion(), 64));
                use.setString(5, cap(request.sensorSummary(), 1000));
                use.setString(6, deviceId);
                use.setString(7, passwordHash);
                use.setString(8, hash(request.code()));
                use.setLong(9, now);
                if (use.executeUpdate() != 1) {
                    throw whyNot(c, request.code());
                }
            }
            KeyId kid = new KeyId(deviceId, 1);
            // Commits the code's use and the device together (same writer connection, see the class comment).
            registry.enroll(VerificationKey.fromRaw(kid, request.publicKey()));
            return new Enrolled(deviceId, kid, deviceId, password);
        });
    }

    private static ApiException whyNot(Connection c, EnrollmentCode code) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select used_at_ms from enrollment_codes where code_hash = ?")) {
            q.setString(1, hash(code));
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return new ApiException(404, "unknown_code", "no such enrollment code");
                }
                rs.getLong(1);
                if (!rs.wasNull()) {
                    return new ApiException(409, "code_used", "this enrollment code has already enrolled a device");
                }
                return new ApiException(410, "code_expired", "this enrollment code has expired");
            }
        }
    }

    private String newDeviceId(Connection c) throws SQLException {
        for (int attempt = 0; attempt < 10; attempt++) {
            StringBuilder id = new StringBuilder("home-");
            for (int i = 0; i < ID_SYMBOLS; i++) {
                id.append(Character.toLowerCase(EnrollmentCode.ALPHABET.charAt(random.nextInt(32))));
            }
            try (PreparedStatement q = c.prepareStatement("select 1 from devices where device_id = ?")) {
                q.setString(1, id.toString());
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return id.toString();
                    }
                }
            }
        }
        throw new IllegalStateException("could not find an unused device id in 10 tries");
    }

    private static String cap(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private <T> T write(String what, Database.SqlWork<T> work) {
        try {
            return database.inTransaction(work);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * What the database keeps of a code: lower-case hex SHA-256 of its canonical form
     * ({@link EnrollmentCode#toString()}, {@code XXXX-XXXX-XXXX-XXXX}). The code itself is never stored.
     */
    public static String hash(EnrollmentCode code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(code.toString().getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
