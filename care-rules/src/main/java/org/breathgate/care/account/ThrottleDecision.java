package org.breathgate.care.account;

import java.time.Instant;

/**
 * Whether a sign-in attempt may go ahead.
 *
 * @param allowed  whether to check the credentials at all
 * @param retryAt  when the next attempt may be made, or {@code null} when allowed
 * @param slowedBy which key made it wait ({@link LoginThrottle.Key}), or {@code null} when allowed
 */
public record ThrottleDecision(boolean allowed, Instant retryAt, LoginThrottle.Key slowedBy) {

    public ThrottleDecision {
        if (allowed != (retryAt == null) || allowed != (slowedBy == null)) {
            throw new IllegalArgumentException("a refusal says until when and which key; an allowance says neither");
        }
    }

    /** Go ahead. */
    public static final ThrottleDecision ALLOWED = new ThrottleDecision(true, null, null);
}
