package org.breathgate.receiver.web.auth;

import org.breathgate.care.access.Actor;

import java.time.Instant;
import java.util.Objects;

/**
 * A server-side session. The session id itself is only in the browser's cookie; the store keys
 * sessions by its SHA-256.
 *
 * @param actor     who signed in, or {@code null} for a pre-login session (it only carries the login form's CSRF token)
 * @param csrfToken the token unsafe requests of this session must carry
 * @param createdAt when the session began (sign-in, or the first visit for a pre-login session)
 * @param lastSeen  the last request of the session
 */
record WebSession(Actor actor, String csrfToken, Instant createdAt, Instant lastSeen) {

    WebSession {
        Objects.requireNonNull(csrfToken, "csrfToken");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastSeen, "lastSeen");
    }

    boolean signedIn() {
        return actor != null;
    }

    WebSession seenAt(Instant now) {
        return new WebSession(actor, csrfToken, createdAt, now);
    }

    /** Whether the session has ended by {@code now} under {@code policy}. */
    boolean expiredAt(Instant now, SessionPolicy policy) {
        return !now.isBefore(lastSeen.plus(policy.idleTimeout())) || !now.isBefore(createdAt.plus(policy.absoluteTimeout()));
    }

    /** When the session ends if left idle from now (the earlier of its idle and absolute ends). */
    Instant endsAt(SessionPolicy policy) {
        Instant idleEnd = lastSeen.plus(policy.idleTimeout());
        Instant absoluteEnd = createdAt.plus(policy.absoluteTimeout());
        return idleEnd.isBefore(absoluteEnd) ? idleEnd : absoluteEnd;
    }
}
