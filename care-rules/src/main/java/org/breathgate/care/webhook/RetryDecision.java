package org.breathgate.care.webhook;

import java.time.Duration;
import java.util.Objects;

/** What to do after a failed delivery attempt. */
public sealed interface RetryDecision permits RetryDecision.RetryAfter, RetryDecision.DeadLetter {

    /** Try again after {@code delay}; it will be attempt number {@code nextAttempt}. */
    record RetryAfter(Duration delay, int nextAttempt) implements RetryDecision {
        public RetryAfter {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || nextAttempt < 2) {
                throw new IllegalArgumentException("delay must not be negative and nextAttempt must be 2 or more");
            }
        }
    }

    /** Give up: move the delivery to the dead-letter list, from which a person can replay it. */
    record DeadLetter(int attemptsMade) implements RetryDecision {
    }
}
