package org.breathgate.agent.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Reconnect delays: exponential, capped, with "equal jitter" (half the step fixed, half random).
 * The random half spreads a fleet that lost its broker at the same moment, so a thousand devices do
 * not come back in lock-step; the fixed half keeps any one device from hammering the broker.
 * Not thread-safe; one per connection loop.
 */
final class Backoff {

    private final long initialMs;
    private final long maxMs;
    private final Random random;
    private int attempt;

    /**
     * @param initial the first step (the first delay is between half of it and all of it)
     * @param max     no delay is longer than this
     * @param random  the jitter source; inject a seeded one in tests
     */
    Backoff(Duration initial, Duration max, Random random) {
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
        this.random = Objects.requireNonNull(random, "random");
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, was " + initial + " and " + max);
        }
    }

    /** The delay before the next attempt; each call doubles the step up to the cap. */
    Duration next() {
        long step = initialMs;
        for (int i = 0; i < attempt && step < maxMs; i++) {
            step *= 2;
        }
        step = Math.min(step, maxMs);
        attempt++;
        long half = step / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (step - half + 1)));
    }

    /** After a successful connection: start from the first step again. */
    void reset() {
        attempt = 0;
    }

    /** Attempts since the last reset. */
    int attempts() {
        return attempt;
    }
}
