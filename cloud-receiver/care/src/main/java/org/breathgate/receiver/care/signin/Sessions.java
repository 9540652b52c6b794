package org.breathgate.receiver.care.signin;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.Sql;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Sign-in sessions in the database (table {@code care_sessions}), so a restart signs nobody out and every receiver on one
 * database knows every session. Keyed by the SHA-256 of a random 256-bit id (base64url) that only the browser's cookie holds,
 * so neither a database copy nor a heap dump hands out a usable cookie.
 *
 * <p>At most {@link SessionPolicy#maxSessions()} are kept: past it, expired sessions go first, then the oldest pre-login
 * ones, so a flood of anonymous visits cannot push signed-in people out.
 */
public final class Sessions {

    /** 32 random bytes are 43 base64url characters. */
    public static final int ID_LENGTH = 43;
    /** A session's last-seen time is written at most this often (one write per request would be wasted work). */
    public static final Duration TOUCH_EVERY = Duration.ofSeconds(10);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String COLUMNS = "user_id, role, organisation_id, client_id, csrf_token, created_at_ms, last_seen_ms, method, "
            + "provider_id, id_token, pending_user_id, pending_step, pending_secret, pending_until_ms";

    private final Database database;
    private final SessionPolicy policy;
    private final SecureRandom random;

    public Sessions(Database database, SessionPolicy policy, SecureRandom random) {
        this.database = Objects.requireNonNull(database, "database");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.random = Objects.requireNonNull(random, "random");
    }

    public SessionPolicy policy() {
        return policy;
    }

    /**
     * The result of a lookup.
     *
     * @param live    the session, touched, or {@code null}
     * @param expired the session that had just ended, or {@code null}
     */
    public record Lookup(Session live, Session expired) {
        public static final Lookup NONE = new Lookup(null, null);
    }

    /** A new pre-login session; returns its id, for the cookie. */
    public String createPreLogin(Instant now) {
        return insert(new Session(null, token(), now, now, null, null, null, null));
    }

    /**
     * Signs {@code actor} in with a brand-new session (no fixation): the session {@code oldId} came with, if any, ends.
     *
     * @return the new session's id, for the cookie
     */
    public String signIn(String oldId, Actor actor, String method, String providerId, String idToken, Instant now) {
        Objects.requireNonNull(actor, "actor");
        if (oldId != null) {
            remove(oldId);
        }
        return insert(new Session(actor, token(), now, now, method, providerId, idToken, null));
    }

    /** The live session with {@code id}, touched; an expired one is removed and reported as such. */
    public Lookup find(String id, Instant now) {
        if (!wellFormed(id)) {
            return Lookup.NONE;
        }
        String key = SignInSecret.sha256(id);
        return Sql.write(database, "reading a session", c -> {
            Optional<Session> found = load(c, key);
            if (found.isEmpty()) {
                return Lookup.NONE;
            }
            Session s = found.get();
            if (s.expiredAt(now, policy)) {
                delete(c, key);
                return new Lookup(null, s);
            }
            if (!now.isBefore(s.lastSeen().plus(TOUCH_EVERY))) {
                try (PreparedStatement u = c.prepareStatement("update care_sessions set last_seen_ms = ? where id_hash = ?")) {
                    u.setLong(1, now.toEpochMilli());
                    u.setString(2, key);
                    u.executeUpdate();
                }
                s = new Session(s.actor(), s.csrfToken(), s.createdAt(), now, s.method(), s.providerId(), s.idToken(), s.pending());
            }
            return new Lookup(s, null);
        });
    }

    /** Sets (or with {@code null} clears) the half-done sign-in of pre-login session {@code id}. */
    public void setPending(String id, Session.Pending pending) {
        if (!wellFormed(id)) {
            return;
        }
        Sql.write(database, "noting a sign-in under way", c -> {
            try (PreparedStatement u = c.prepareStatement("update care_sessions set pending_user_id = ?, pending_step = ?, "
                    + "pending_secret = ?, pending_until_ms = ? where id_hash = ? and user_id is null")) {
                u.setString(1, pending == null ? null : pending.userId());
                u.setString(2, pending == null ? null : pending.step());
                u.setString(3, pending == null ? null : pending.secret());
                Sql.setInstant(u, 4, pending == null ? null : pending.until());
                u.setString(5, SignInSecret.sha256(id));
                u.executeUpdate();
            }
            return null;
        });
    }

    /** Ends the session with {@code id}, if any. */
    public Optional<Session> remove(String id) {
        if (!wellFormed(id)) {
            return Optional.empty();
        }
        String key = SignInSecret.sha256(id);
        return Sql.write(database, "ending a session", c -> {
            Optional<Session> s = load(c, key);
            delete(c, key);
            return s;
        });
    }

    /** Ends every session of {@code userId} (the account was removed or its password changed); returns how many. */
    public int removeUser(String userId) {
        return Sql.write(database, "ending the sessions of " + userId, c -> {
            try (PreparedStatement d = c.prepareStatement("delete from care_sessions where user_id = ?")) {
                d.setString(1, userId);
                return d.executeUpdate();
            }
        });
    }

    /** Sessions held now, signed-in and pre-login together. */
    public int size() {
        return Sql.read(database, "counting sessions", c -> {
            try (PreparedStatement q = c.prepareStatement("select count(*) from care_sessions"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private String insert(Session s) {
        String id = token();
        Sql.write(database, "starting a session", c -> {
            makeRoom(c, s.createdAt());
            try (PreparedStatement i = c.prepareStatement("insert into care_sessions (id_hash, " + COLUMNS
                    + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null, null, null)")) {
                i.setString(1, SignInSecret.sha256(id));
                Actor a = s.actor();
                i.setString(2, a == null ? null : a.userId());
                i.setString(3, a == null ? null : a.role().name());
                i.setString(4, a == null ? null : a.organisationId());
                i.setString(5, a == null ? null : a.clientId());
                i.setString(6, s.csrfToken());
                i.setLong(7, s.createdAt().toEpochMilli());
                i.setLong(8, s.lastSeen().toEpochMilli());
                i.setString(9, s.method());
                i.setString(10, s.providerId());
                i.setString(11, s.idToken());
                i.executeUpdate();
            }
            return null;
        });
        return id;
    }

    private void makeRoom(Connection c, Instant now) throws SQLException {
        if (count(c) < policy.maxSessions()) {
            return;
        }
        try (PreparedStatement d = c.prepareStatement("delete from care_sessions where last_seen_ms <= ? or created_at_ms <= ?")) {
            d.setLong(1, now.minus(policy.idleTimeout()).toEpochMilli());
            d.setLong(2, now.minus(policy.absoluteTimeout()).toEpochMilli());
            d.executeUpdate();
        }
        int over = count(c) - policy.maxSessions() + 1;
        if (over <= 0) {
            return;
        }
        // The oldest pre-login sessions first; signed-in ones only if there are no others.
        try (PreparedStatement d = c.prepareStatement("delete from care_sessions where id_hash in (select id_hash from care_sessions "
                + "order by case when user_id is null then 0 else 1 end, last_seen_ms limit ?)")) {
            d.setInt(1, over);
            d.executeUpdate();
        }
    }

    private static int count(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select count(*) from care_sessions"); ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Optional<Session> load(Connection c, String key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select " + COLUMNS + " from care_sessions where id_hash = ?")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String user = rs.getString(1);
                Actor actor = user == null ? null : new Actor(user, Role.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4));
                String pendingUser = rs.getString(11);
                Instant pendingUntil = Sql.instant(rs, 14);
                Session.Pending pending = pendingUser == null || pendingUntil == null ? null
                        : new Session.Pending(pendingUser, rs.getString(12), rs.getString(13), pendingUntil);
                return Optional.of(new Session(actor, rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
                        rs.getString(8), rs.getString(9), rs.getString(10), pending));
            }
        }
    }

    private static void delete(Connection c, String key) throws SQLException {
        try (PreparedStatement d = c.prepareStatement("delete from care_sessions where id_hash = ?")) {
            d.setString(1, key);
            d.executeUpdate();
        }
    }

    static boolean wellFormed(String id) {
        return id != null && id.length() == ID_LENGTH && id.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '-' || ch == '_');
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }
}
