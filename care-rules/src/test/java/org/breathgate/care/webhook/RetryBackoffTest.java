package org.breathgate.care.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(30), Duration.ofHours(1), 5);

    /** A Random whose bounded draws are always the largest allowed, to see the ceiling. */
    static final class Highest extends Random {
        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    }

    /** A Random whose bounded draws are always 0. */
    static final class Lowest extends Random {
        @Override
        public long nextLong(long bound) {
            return 0;
        }
    }

    @Test
    void the_ceiling_doubles_from_the_base() {
        assertEquals(new RetryDecision.RetryAfter(Duration.ofSeconds(30), 2), backoff.afterFailure(1, new Highest()));
        assertEquals(new RetryDecision.RetryAfter(Duration.ofSeconds(60), 3), backoff.afterFailure(2, new Highest()));
        assertEquals(new RetryDecision.RetryAfter(Duration.ofSeconds(120), 4), backoff.afterFailure(3, new Highest()));
    }

    @Test
    void full_jitter_may_retry_at_once() {
        assertEquals(new RetryDecision.RetryAfter(Duration.ZERO, 2), backoff.afterFailure(1, new Lowest()));
    }

    @Test
    void the_ceiling_stops_at_the_cap_without_overflowing() {
        RetryBackoff many = new RetryBackoff(Duration.ofSeconds(30), Duration.ofHours(1), 10_000);
        assertEquals(new RetryDecision.RetryAfter(Duration.ofHours(1), 5000), many.afterFailure(4999, new Highest()));
    }

    @Test
    void after_the_last_attempt_the_delivery_goes_to_the_dead_letter_list() {
        assertInstanceOf(RetryDecision.DeadLetter.class, backoff.afterFailure(5, new Random(1)));
    }

    @Test
    void delays_stay_within_the_ceiling() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            RetryDecision.RetryAfter r = (RetryDecision.RetryAfter) backoff.afterFailure(4, random);
            assertTrue(!r.delay().isNegative() && r.delay().compareTo(Duration.ofSeconds(240)) <= 0, r.toString());
        }
    }
}
