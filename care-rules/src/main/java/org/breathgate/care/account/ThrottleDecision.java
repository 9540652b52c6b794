package org.breathgate.care.account;

import java.time.Instant;

/**
 * Whether a login attempt may go ahead.
 *
 * @param allowed     whether to check the password at all
 * @param lockedUntil when the lock ends, or {@code null} when allowed
 * @param lockedBy    what is locked: {@code "account"} or {@code "source"}, or {@code null} when allowed
 */
public record ThrottleDecision(boolean allowed, Instant lockedUntil, String lockedBy) {

    public ThrottleDecision {
        if (allowed != (lockedUntil == null) || allowed != (lockedBy == null)) {
            throw new IllegalArgumentException("a refusal says until when and what is locked; an allowance says neither");
        }
    }

    static final ThrottleDecision ALLOWED = new ThrottleDecision(true, null, null);
}
