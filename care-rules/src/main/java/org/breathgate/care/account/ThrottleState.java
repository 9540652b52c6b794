package org.breathgate.care.account;

import java.time.Instant;

/**
 * What is remembered about one throttle key (an account from an address, an address, an account).
 *
 * @param failures    failures counted (since the last success, within the policy's memory)
 * @param lastFailure the last failure, or {@code null} when there was none
 * @param waitUntil   no attempt before this, or {@code null}
 */
public record ThrottleState(int failures, Instant lastFailure, Instant waitUntil) {

    /** Nothing remembered. */
    public static final ThrottleState NONE = new ThrottleState(0, null, null);

    public ThrottleState {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must be 0 or more, was " + failures);
        }
        if ((failures == 0) != (lastFailure == null)) {
            throw new IllegalArgumentException("a last failure is known exactly when there were failures");
        }
    }
}
