package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.care.account.PasswordHasher;
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
 * User accounts in table {@code care_users}: role, organisation (workers) or client (parents), an
 * Argon2id password hash from the care core's {@link PasswordHasher}, and a lock time set by login
 * throttling, and where and in which language alerts are e-mailed to them. Checking passwords at login (and the throttle) is the web layer's; this keeps the state.
 */
public final class Users {

    private static final String COLUMNS = "id, role, organisation_id, client_id, password_hash, locked_until_ms, email, language";

    private final Database database;
    private final PasswordHasher hasher;

    public Users(Database database, PasswordHasher hasher) {
        this.database = Objects.requireNonNull(database, "database");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
    }

    /** Creates an account for {@code actor} with {@code password} (hashed here; the array is not kept). */
    public void add(Actor actor, char[] password, Instant now) {
        add(actor, password, null, UserAccount.DEFAULT_LANGUAGE, now);
    }

    /**
     * Creates an account for {@code actor} with {@code password} (hashed here; the array is not kept), the address
     * alerts are e-mailed to ({@code null}: none) and the user's language ({@code fi}, {@code sv} or {@code en}).
     */
    public void add(Actor actor, char[] password, String email, String language, Instant now) {
        UserAccount.checkEmail(email);
        String lang = UserAccount.checkLanguage(language);
        String hash = hasher.hash(password);
        Sql.write(database, "adding user " + actor.userId(), c -> {
            try (PreparedStatement s = c.prepareStatement("insert into care_users (id, role, organisation_id, client_id, "
                    + "password_hash, created_at_ms, email, language) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, actor.userId());
                s.setString(2, actor.role().name());
                s.setString(3, actor.organisationId());
                s.setString(4, actor.clientId());
                s.setString(5, hash);
                s.setLong(6, now.toEpochMilli());
                s.setString(7, email);
                s.setString(8, lang);
                return s.executeUpdate();
            }
        });
    }

    /** Changes where the user is e-mailed ({@code null}: nowhere) and their language. */
    public void setContact(String userId, String email, String language) {
        UserAccount.checkEmail(email);
        String lang = UserAccount.checkLanguage(language);
        Sql.write(database, "changing the contact of user " + userId, c -> {
            try (PreparedStatement s = c.prepareStatement("update care_users set email = ?, language = ? where id = ?")) {
                s.setString(1, email);
                s.setString(2, lang);
                s.setString(3, userId);
                if (s.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no user " + userId);
                }
                return null;
            }
        });
    }

    /** Every account, in id order. */
    public List<UserAccount> all() {
        return Sql.read(database, "reading users", c -> query(c, "select " + COLUMNS + " from care_users order by id", null));
    }

    /** The workers of {@code organisationId} (substance-abuse or child-protection workers), in id order. */
    public static List<UserAccount> workersOf(Connection c, String organisationId) throws SQLException {
        return query(c, "select " + COLUMNS + " from care_users where organisation_id = ? and role in "
                + "('SUBSTANCE_ABUSE_WORKER', 'CHILD_PROTECTION_WORKER') order by id", organisationId);
    }

    /** The technicians, in id order: alerts about a device reach them too. */
    public static List<UserAccount> technicians(Connection c) throws SQLException {
        return query(c, "select " + COLUMNS + " from care_users where role = 'TECHNICIAN' order by id", null);
    }

    /** The account {@code userId}, on {@code c}. */
    public static Optional<UserAccount> find(Connection c, String userId) throws SQLException {
        List<UserAccount> found = query(c, "select " + COLUMNS + " from care_users where id = ?", userId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private static List<UserAccount> query(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(sql)) {
            if (param != null) {
                q.setString(1, param);
            }
            List<UserAccount> accounts = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Actor actor = new Actor(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4));
                    accounts.add(new UserAccount(actor, rs.getString(5), Sql.instant(rs, 6), rs.getString(7), rs.getString(8)));
                }
            }
            return accounts;
        }
    }

    public Optional<UserAccount> find(String userId) {
        return Sql.read(database, "reading user " + userId, c -> find(c, userId));
    }

    /** Whether {@code password} is the user's; false for an unknown user (after the same work, so timing tells nothing). */
    public boolean passwordMatches(String userId, char[] password) {
        Optional<UserAccount> account = find(userId);
        if (account.isEmpty()) {
            hasher.equaliseTimingForUnknownAccount(password);
            return false;
        }
        return hasher.verify(password, account.get().passwordHash());
    }

    /** Locks the account until {@code until} ({@code null} unlocks). */
    public void lockUntil(String userId, Instant until) {
        Sql.write(database, "locking user " + userId, c -> {
            try (PreparedStatement s = c.prepareStatement("update care_users set locked_until_ms = ? where id = ?")) {
                Sql.setInstant(s, 1, until);
                s.setString(2, userId);
                if (s.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no user " + userId);
                }
                return null;
            }
        });
    }
}
