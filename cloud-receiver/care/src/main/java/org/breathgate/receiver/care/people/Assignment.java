package org.breathgate.receiver.care.people;

import java.time.Instant;
import java.util.Objects;

/**
 * A device lent to a client for {@code [from, until)}; {@code until} is {@code null} while it is still there.
 */
public record Assignment(long id, String clientId, String deviceId, Instant from, Instant until) {

    public Assignment {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(from, "from");
        if (until != null && !until.isAfter(from)) {
            throw new IllegalArgumentException("an assignment ends after it begins: " + from + " to " + until);
        }
    }

    /** Whether {@code at} lies in the assignment. */
    public boolean holds(Instant at) {
        return !at.isBefore(from) && (until == null || at.isBefore(until));
    }

    public boolean active() {
        return until == null;
    }
}
