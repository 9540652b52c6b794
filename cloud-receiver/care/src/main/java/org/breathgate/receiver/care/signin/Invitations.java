package org.breathgate.receiver.care.signin;

import org.bouncycastle.util.encoders.Base32;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One-time codes (table {@code care_invitations}), kept only as SHA-256 hashes:
 * <ul>
 *   <li>{@code account}: an invitation link for a new account, so nobody but the person ever knows their password;</li>
 *   <li>{@code parent_identity}: a code a worker hands a parent in person (or prints), with which the parent binds their
 *       strong identification to their client record once.</li>
 * </ul>
 * A code is used in the same transaction as what it allows (a conditional update whose row count is checked), so two uses
 * racing get one success.
 */
public final class Invitations {

    /** An account invitation link lives 7 days: long enough for a worker on leave for a week, short enough to go stale. */
    public static final Duration ACCOUNT_LIFETIME = Duration.ofDays(7);
    /** A parent's code lives 14 days: handed over at one meeting, used before the next. */
    public static final Duration PARENT_LIFETIME = Duration.ofDays(14);

    private Invitations() {
    }

    /** A code's state. */
    public enum State { USABLE, UNKNOWN, USED, EXPIRED }

    /**
     * A stored code.
     *
     * @param kind     {@code account} or {@code parent_identity}
     * @param userId   the account an account invitation is for, else {@code null}
     * @param clientId the client a parent's code is for, else {@code null}
     */
    public record Invitation(String kind, String userId, String clientId, Instant expiresAt, Instant usedAt) {
        public State stateAt(Instant now) {
            if (usedAt != null) {
                return State.USED;
            }
            return now.isBefore(expiresAt) ? State.USABLE : State.EXPIRED;
        }
    }

    /** A new code: 80 random bits as 16 Crockford-free base32 letters in four groups ({@code abcd-efgh-ijkl-mnop}). */
    public static String newCode(SecureRandom random) {
        byte[] b = new byte[10];
        random.nextBytes(b);
        String s = Base32.toBase32String(b).toLowerCase(Locale.ROOT);
        return s.substring(0, 4) + "-" + s.substring(4, 8) + "-" + s.substring(8, 12) + "-" + s.substring(12, 16);
    }

    /** The stored form of a typed code: case, spaces and dashes do not matter. */
    public static String hash(String code) {
        return SignInSecret.sha256(code.strip().replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT));
    }

    public static void insert(Connection c, String code, String kind, String userId, String clientId, String by, Instant now, Duration lifetime)
            throws SQLException {
        try (PreparedStatement i = c.prepareStatement("insert into care_invitations (code_hash, kind, user_id, client_id, created_by, "
                + "created_at_ms, expires_at_ms) values (?, ?, ?, ?, ?, ?, ?)")) {
            i.setString(1, hash(code));
            i.setString(2, kind);
            i.setString(3, userId);
            i.setString(4, clientId);
            i.setString(5, by);
            i.setLong(6, now.toEpochMilli());
            i.setLong(7, now.plus(lifetime).toEpochMilli());
            i.executeUpdate();
        }
    }

    /** The invitation {@code codeHash} names, if any. */
    public static Optional<Invitation> find(Connection c, String codeHash) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select kind, user_id, client_id, expires_at_ms, used_at_ms from care_invitations "
                + "where code_hash = ?")) {
            q.setString(1, codeHash);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Instant expires = Instant.ofEpochMilli(rs.getLong(4));
                long used = rs.getLong(5);
                Instant usedAt = rs.wasNull() ? null : Instant.ofEpochMilli(used);
                return Optional.of(new Invitation(rs.getString(1), rs.getString(2), rs.getString(3), expires, usedAt));
            }
        }
    }

    /** Marks {@code codeHash} used by {@code by} if it is still usable: false when it was used or expired first. */
    public static boolean use(Connection c, String codeHash, String by, Instant now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("update care_invitations set used_at_ms = ?, used_by = ? where code_hash = ? and "
                + "used_at_ms is null and expires_at_ms > ?")) {
            u.setLong(1, now.toEpochMilli());
            u.setString(2, by);
            u.setString(3, codeHash);
            u.setLong(4, now.toEpochMilli());
            return u.executeUpdate() == 1;
        }
    }

    /** Withdraws the unused account invitations of {@code userId} (a new link replaces the old). */
    public static void withdraw(Connection c, String userId, Instant now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("update care_invitations set used_at_ms = ?, used_by = 'withdrawn' where user_id = ? "
                + "and kind = 'account' and used_at_ms is null")) {
            u.setLong(1, now.toEpochMilli());
            u.setString(2, userId);
            u.executeUpdate();
        }
    }
}
