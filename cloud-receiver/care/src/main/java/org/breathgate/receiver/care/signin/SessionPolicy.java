package org.breathgate.receiver.care.signin;

import java.time.Duration;
import java.util.Objects;

/**
 * How long sign-in sessions last.
 *
 * @param idleTimeout     a session unused this long ends (the next request is signed out)
 * @param absoluteTimeout a session ends this long after sign-in however busy it is
 * @param maxSessions     most sessions held at once (signed-in and pre-login together); past it the
 *                        oldest pre-login sessions are dropped, so a flood of anonymous visits cannot
 *                        exhaust memory or push signed-in people out
 */
public record SessionPolicy(Duration idleTimeout, Duration absoluteTimeout, int maxSessions) {

    /**
     * 30 minutes idle, 12 hours absolute: a worker's day with a lunch break means signing in again, a
     * computer left unlocked in a shared office is signed out within half an hour (OWASP Session
     * Management Cheat Sheet suggests 15-30 minutes idle for sensitive data).
     */
    public static final SessionPolicy DEFAULT = new SessionPolicy(Duration.ofMinutes(30), Duration.ofHours(12), 10_000);

    public SessionPolicy {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero() || absoluteTimeout.isNegative() || absoluteTimeout.isZero()) {
            throw new IllegalArgumentException("session timeouts must be positive");
        }
        if (idleTimeout.compareTo(absoluteTimeout) > 0) {
            throw new IllegalArgumentException("the idle timeout cannot be longer than the absolute timeout");
        }
        if (maxSessions < 10) {
            throw new IllegalArgumentException("maxSessions must be at least 10, was " + maxSessions);
        }
    }
}
