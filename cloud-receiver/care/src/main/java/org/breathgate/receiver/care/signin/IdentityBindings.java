package org.breathgate.receiver.care.signin;

import org.breathgate.receiver.evidence.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who an identity provider's subject is here (table {@code care_identity_bindings}): bound by an administrator for workers,
 * or by a parent's one-time code for parents. Nobody is ever created or bound by signing in alone.
 */
public final class IdentityBindings {

    /** What names an account at a provider. */
    public static final Set<String> KINDS = Set.of("sub", "email", "upn", "identity_code");

    private IdentityBindings() {
    }

    /** One binding. */
    public record Binding(String providerId, String kind, String subject, String userId, Instant boundAt, String boundBy) {
    }

    /** {@code subject} as it is stored for {@code kind}: e-mail addresses and UPNs in lower case. */
    public static String normal(String kind, String subject) {
        return kind.equals("email") || kind.equals("upn") ? subject.strip().toLowerCase(Locale.ROOT) : subject;
    }

    /** The user bound to {@code subject} of {@code kind} at {@code providerId}, if any. */
    public static Optional<String> find(Connection c, String providerId, String kind, String subject) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select user_id from care_identity_bindings where provider_id = ? and subject_kind = ?"
                + " and subject = ?")) {
            q.setString(1, providerId);
            q.setString(2, kind);
            q.setString(3, normal(kind, subject));
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Binds {@code subject} to {@code userId}.
     *
     * @throws IllegalStateException if the subject is bound to someone already
     */
    public static void bind(Connection c, String providerId, String kind, String subject, String userId, String by, Instant now)
            throws SQLException {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("a binding is by sub, email, upn or identity_code, not " + kind);
        }
        if (subject == null || subject.isBlank() || subject.length() > 512) {
            throw new IllegalArgumentException("the subject is 1-512 characters");
        }
        Optional<String> existing = find(c, providerId, kind, subject);
        if (existing.isPresent()) {
            throw new IllegalStateException(kind + " at " + providerId + " is bound to " + existing.get() + " already");
        }
        try (PreparedStatement i = c.prepareStatement("insert into care_identity_bindings (provider_id, subject_kind, subject, user_id, "
                + "bound_at_ms, bound_by) values (?, ?, ?, ?, ?, ?)")) {
            i.setString(1, providerId);
            i.setString(2, kind);
            i.setString(3, normal(kind, subject));
            i.setString(4, userId);
            i.setLong(5, now.toEpochMilli());
            i.setString(6, by);
            i.executeUpdate();
        }
    }

    /** The bindings of {@code userId} (an identity-code binding shows its hash, never a code). */
    public static List<Binding> of(Connection c, String userId) throws SQLException {
        List<Binding> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select provider_id, subject_kind, subject, user_id, bound_at_ms, bound_by from "
                + "care_identity_bindings where user_id = ? order by provider_id, subject_kind")) {
            q.setString(1, userId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Binding(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Sql.instant(rs, 5), rs.getString(6)));
                }
            }
        }
        return out;
    }
}
