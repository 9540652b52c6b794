package org.breathgate.receiver.care.people;

import org.breathgate.care.access.Actor;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored user account.
 *
 * @param actor        who the user is in the care workflow (id, role, organisation or client)
 * @param passwordHash the Argon2id PHC string ({@code care.account.PasswordHasher})
 * @param lockedUntil  until when logins are refused, or {@code null}
 */
public record UserAccount(Actor actor, String passwordHash, Instant lockedUntil) {

    public UserAccount {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(passwordHash, "passwordHash");
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }
}
