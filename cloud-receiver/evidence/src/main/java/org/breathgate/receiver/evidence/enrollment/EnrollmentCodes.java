package org.breathgate.receiver.evidence.enrollment;

import org.breathgate.protocol.EnrollmentCode;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.device.BrokerLogins;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.device.KeyAttestation;

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

/**
 * One-time enrollment codes in table {@code enrollment_codes} ({@code docs/protocol.md}, "Enrollment over HTTPS"): made
 * for a technician on the people's side, used once by a device on the devices' side. Only the SHA-256 of a code is kept.
 *
 * <p>A code is used only together with the device it creates: the conditional update ({@code used_at is null and
 * expires_at > now}, row count checked), the new device id and the {@link DeviceRegistry#enroll} of key version 1 run in
 * one transaction on the database's single writer connection, so two devices racing with one code get one device and one
 * {@link Refusal#USED}, and a failed registration leaves the code unused. This relies on {@code registry} being built on
 * the same {@link Database} instance (its writer connection is re-entrant and the registry's commit is the commit of the
 * whole enrollment).
 */
public final class EnrollmentCodes {

    /** Device ids are {@code home-} and this many Crockford base32 symbols (lower case): 40 bits. */
    static final int ID_SYMBOLS = 8;

    private final Database database;
    private final DeviceRegistry registry;
    private final Clock clock;
    private final SecureRandom random;

    /** What a new code is: show {@link #code()} once; only its hash is kept. */
    public record IssuedCode(EnrollmentCode code, Instant expiresAt) {
    }

    /** A device made with a code: its new id, first key and broker login (whose password exists only here). */
    public record Enrolled(String deviceId, KeyId keyId, BrokerLogins.Issued login) {
    }

    /** What the device told about itself, kept beside the used code. */
    public record DeviceFacts(String sensorSummary, String agentVersion, String hostname) {
    }

    /** Why a code did not enroll a device. */
    public enum Refusal {
        /** No such code was ever made. */
        UNKNOWN,
        /** The code has already enrolled a device. */
        USED,
        /** The code's time ran out. */
        EXPIRED
    }

    /** A code that could not be used; nothing was changed. */
    public static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super("enrollment code refused: " + refusal.name().toLowerCase(java.util.Locale.ROOT));
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    public EnrollmentCodes(Database database, DeviceRegistry registry, Clock clock, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Creates a code valid for {@code lifetime}, recording who made it and why. */
    public IssuedCode create(Duration lifetime, String createdBy, String note) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a code's lifetime must be positive");
        }
        EnrollmentCode code = EnrollmentCode.generate(random);
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        Sql.write(database, "creating an enrollment code", c -> {
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
     * Uses {@code code} to enroll a new device with {@code publicKey} (Ed25519 or P-256; its kid is replaced by the new
     * device's) as its key version 1, and makes its broker login ({@link BrokerLogins}); when {@code attestation} is given,
     * the key is recorded as hardware-bound with what it returns for the new key id (an attestation record names the kid),
     * all in one transaction.
     *
     * @param attestation makes the verified attestation's record for the new kid, or {@code null} for a key without one
     * @throws RefusedException if the code is unknown, used or expired (nothing changed)
     */
    public Enrolled use(EnrollmentCode code, VerificationKey publicKey, java.util.function.Function<KeyId, KeyAttestation> attestation,
                        DeviceFacts facts) {
        long now = clock.millis();
        return Sql.write(database, "enrolling a device", c -> {
            String deviceId = newDeviceId(c);
            try (PreparedStatement use = c.prepareStatement("update enrollment_codes set used_at_ms = ?, device_id = ?, hostname = ?,"
                    + " agent_version = ?, sensor = ?, mqtt_username = ?"
                    + " where code_hash = ? and used_at_ms is null and expires_at_ms > ?")) {
                use.setLong(1, now);
                use.setString(2, deviceId);
                use.setString(3, cap(facts.hostname(), 255));
                use.setString(4, cap(facts.agentVersion(), 64));
                use.setString(5, cap(facts.sensorSummary(), 1000));
                use.setString(6, deviceId);
                use.setString(7, hash(code));
                use.setLong(8, now);
                if (use.executeUpdate() != 1) {
                    throw new RefusedException(whyNot(c, code));
                }
            }
            KeyId kid = new KeyId(deviceId, 1);
            // Commits the code's use and the device together (same writer connection, see the class comment).
            registry.enroll(publicKey.withKeyId(kid), attestation == null ? null : attestation.apply(kid));
            BrokerLogins.Issued login = BrokerLogins.issue(c, deviceId, "enrollment", Instant.ofEpochMilli(now), random);
            return new Enrolled(deviceId, kid, login);
        });
    }

    /**
     * Whether {@code code} could enroll a device now, without using it (step 1 of TPM attestation checks the code but
     * leaves it for the enrollment itself).
     *
     * @return empty when the code is known, unused and not expired; else why not
     */
    public java.util.Optional<Refusal> check(EnrollmentCode code) {
        long now = clock.millis();
        return Sql.read(database, "checking an enrollment code", c -> {
            try (PreparedStatement q = c.prepareStatement("select used_at_ms, expires_at_ms from enrollment_codes where code_hash = ?")) {
                q.setString(1, hash(code));
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.of(Refusal.UNKNOWN);
                    }
                    rs.getLong(1);
                    if (!rs.wasNull()) {
                        return java.util.Optional.of(Refusal.USED);
                    }
                    return rs.getLong(2) > now ? java.util.Optional.<Refusal>empty() : java.util.Optional.of(Refusal.EXPIRED);
                }
            }
        });
    }

    private static Refusal whyNot(Connection c, EnrollmentCode code) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select used_at_ms from enrollment_codes where code_hash = ?")) {
            q.setString(1, hash(code));
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Refusal.UNKNOWN;
                }
                rs.getLong(1);
                return rs.wasNull() ? Refusal.EXPIRED : Refusal.USED;
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
