package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.care.CareDb;
import org.breathgate.receiver.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * User accounts in table {@code care_users}: role, organisation (workers) or client (parents), an
 * Argon2id password hash from the care core's {@link PasswordHasher}, and a lock time set by login
 * throttling. Checking passwords at login (and the throttle) is the web layer's; this keeps the state.
 */
public final class Users {

    private final Database database;
    private final PasswordHasher hasher;

    public Users(Database database, PasswordHasher hasher) {
        this.database = Objects.requireNonNull(database, "database");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
    }

    /** Creates an account for {@code actor} with {@code password} (hashed here; the array is not kept). */
    public void add(Actor actor, char[] password, Instant now) {
        String hash = hasher.hash(password);
        CareDb.write(database, "adding user " + actor.userId(), c -> {
            try (PreparedStatement s = c.prepareStatement("insert into care_users (id, role, organisation_id, client_id, "
                    + "password_hash, created_at_ms) values (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, actor.userId());
                s.setString(2, actor.role().name());
                s.setString(3, actor.organisationId());
                s.setString(4, actor.clientId());
                s.setString(5, hash);
                s.setLong(6, now.toEpochMilli());
                return s.executeUpdate();
            }
        });
    }

    public Optional<UserAccount> find(String userId) {
        return CareDb.read(database, "reading user " + userId, c -> {
            try (PreparedStatement q = c.prepareStatement("select id, role, organisation_id, client_id, password_hash, locked_until_ms "
                    + "from care_users where id = ?")) {
                q.setString(1, userId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<UserAccount>empty();
                    }
                    Actor actor = new Actor(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4));
                    return Optional.of(new UserAccount(actor, rs.getString(5), CareDb.instant(rs, 6)));
                }
            }
        });
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
        CareDb.write(database, "locking user " + userId, c -> {
            try (PreparedStatement s = c.prepareStatement("update care_users set locked_until_ms = ? where id = ?")) {
                CareDb.setInstant(s, 1, until);
                s.setString(2, userId);
                if (s.executeUpdate() != 1) {
                    throw new IllegalArgumentException("no user " + userId);
                }
                return null;
            }
        });
    }
}
