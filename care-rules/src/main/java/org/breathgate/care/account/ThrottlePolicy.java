package org.breathgate.care.account;

import java.time.Duration;
import java.util.Objects;

/**
 * How repeated sign-in failures slow further attempts down: a few failures are free (people mistype), then each failure
 * makes the next attempt wait, twice as long as the one before, up to a ceiling. Nothing is locked for good, so nobody can
 * keep a named person out for longer than the ceiling by failing on purpose.
 *
 * @param freeFailures failures that cost nothing
 * @param firstDelay   the wait after the first failure past the free ones
 * @param maxDelay     the longest wait
 * @param forgetAfter  failures are forgotten when there has been none for this long
 */
public record ThrottlePolicy(int freeFailures, Duration firstDelay, Duration maxDelay, Duration forgetAfter) {

    /**
     * One account from one address: 5 free failures, then 30 s, 1 min, 2 min ... up to 15 minutes. Someone guessing one
     * account from one address gets about 10 guesses in the first quarter hour and then 4 an hour, which with Argon2id
     * hashes, a 12-character minimum and a second factor for workers makes online guessing hopeless; a person who mistypes
     * six times waits half a minute.
     */
    public static final ThrottlePolicy ACCOUNT_FROM_SOURCE = new ThrottlePolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(15),
            Duration.ofHours(24));

    /** One address, whatever accounts it tries (password spraying): 20 free failures, then 30 s doubling up to 15 minutes. */
    public static final ThrottlePolicy SOURCE = new ThrottlePolicy(20, Duration.ofSeconds(30), Duration.ofMinutes(15),
            Duration.ofHours(24));

    /**
     * One account from every address together (a guesser with many addresses): 20 free failures, then 15 s, 30 s and at
     * most one minute. The ceiling is low on purpose: this is the only delay a stranger can put on a named worker who signs
     * in from elsewhere, and a minute's wait is not a lock-out.
     */
    public static final ThrottlePolicy ACCOUNT = new ThrottlePolicy(20, Duration.ofSeconds(15), Duration.ofMinutes(1),
            Duration.ofHours(24));

    public ThrottlePolicy {
        if (freeFailures < 0) {
            throw new IllegalArgumentException("freeFailures must be 0 or more, was " + freeFailures);
        }
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(forgetAfter, "forgetAfter");
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0 || forgetAfter.compareTo(maxDelay) <= 0) {
            throw new IllegalArgumentException("delays must be positive, the ceiling at least the first delay, and failures kept"
                    + " longer than the longest delay");
        }
    }

    /** How long the next attempt must wait after {@code failures} failures: zero while they are free. */
    public Duration delayAfter(int failures) {
        int paid = failures - freeFailures;
        if (paid <= 0) {
            return Duration.ZERO;
        }
        if (paid > 40) {
            return maxDelay;
        }
        Duration d = firstDelay.multipliedBy(1L << (paid - 1));
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }
}
