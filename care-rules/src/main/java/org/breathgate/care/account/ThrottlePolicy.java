package org.breathgate.care.account;

import java.time.Duration;
import java.util.Objects;

/**
 * When repeated login failures lock an account or a source out.
 *
 * @param maxFailures failures within {@code window} that lock
 * @param window      how far back failures count
 * @param lockout     how long a lock lasts
 */
public record ThrottlePolicy(int maxFailures, Duration window, Duration lockout) {

    /**
     * 5 failures in 15 minutes lock for 15 minutes: enough for a person who mistypes, and it limits a
     * guesser to 20 tries an hour per account and per source, which with Argon2id hashes and a
     * password policy makes online guessing hopeless.
     */
    public static final ThrottlePolicy DEFAULT = new ThrottlePolicy(5, Duration.ofMinutes(15), Duration.ofMinutes(15));

    public ThrottlePolicy {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be 1 or more, was " + maxFailures);
        }
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(lockout, "lockout");
        if (window.isNegative() || window.isZero() || lockout.isNegative() || lockout.isZero()) {
            throw new IllegalArgumentException("window and lockout must be positive");
        }
    }
}
