package org.breathgate.care.webhook;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential backoff with full jitter for webhook and e-mail deliveries: after attempt n fails, wait
 * a uniformly random time between 0 and {@code min(cap, base × 2^(n-1))}, so many deliveries that
 * failed together (the target was down) do not all return at once. After {@code maxAttempts}, the
 * delivery goes to the dead-letter list; it is never dropped.
 *
 * @param base        the first ceiling
 * @param cap         the largest ceiling
 * @param maxAttempts attempts in all, the first included
 */
public record RetryBackoff(Duration base, Duration cap, int maxAttempts) {

    /**
     * 30 seconds doubling to a 1-hour ceiling, 24 attempts: about 8½ hours of retries on average,
     * enough to ride out a night's maintenance of a case-management system; a longer outage ends in
     * the dead-letter list, to be replayed.
     */
    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofSeconds(30), Duration.ofHours(1), 24);

    public RetryBackoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap, got base " + base + ", cap " + cap);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be 1 or more, was " + maxAttempts);
        }
    }

    /** What to do after {@code attemptsMade} attempts (1 or more) have all failed. */
    public RetryDecision afterFailure(int attemptsMade, Random random) {
        Objects.requireNonNull(random, "random");
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be 1 or more, was " + attemptsMade);
        }
        if (attemptsMade >= maxAttempts) {
            return new RetryDecision.DeadLetter(attemptsMade);
        }
        return new RetryDecision.RetryAfter(Duration.ofMillis(random.nextLong(ceilingMillis(attemptsMade) + 1)), attemptsMade + 1);
    }

    /** {@code min(cap, base × 2^(attemptsMade-1))} in milliseconds, without overflow. */
    long ceilingMillis(int attemptsMade) {
        long capMs = cap.toMillis();
        long ceiling = base.toMillis();
        for (int i = 1; i < attemptsMade && ceiling < capMs; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, capMs);
    }
}
