package org.breathgate.receiver.care.people;

/**
 * Thrown when every permit for password hashing is taken and none came free in time: the receiver hashes only a bounded
 * number of passwords at once (Argon2id uses about 19 MiB each), so a flood of sign-ins queues instead of exhausting
 * memory. The web answers 503 {@code busy}; the person tries again.
 */
public final class PasswordHashingBusy extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PasswordHashingBusy(int permits) {
        super("all " + permits + " password-hashing slots are busy; try again in a moment", null, false, false);
    }
}
