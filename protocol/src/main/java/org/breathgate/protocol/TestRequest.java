package org.breathgate.protocol;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A worker asks for a test now: "please test within 30 minutes". Signed by the receiver like a configuration; the device
 * opens a window from when it gets the request until {@code until}, prompts the parent at once, and records a missed test
 * (reason {@link TestReason.Requested}) if the window closes without a valid test. It acts on a request only once (its
 * number must be higher than the last it acted on) and not after {@code until}.
 *
 * @param deviceId the device it is for
 * @param request  the request's number, increasing per device from 1
 * @param issued   when the receiver made it
 * @param until    when the window closes; after {@code issued}, at most {@link #MAX_WINDOW} later
 */
public record TestRequest(String deviceId, long request, Instant issued, Instant until) implements ReceiverMessage {

    /** The longest a requested test stays open: four hours. */
    public static final Duration MAX_WINDOW = Duration.ofHours(4);

    public TestRequest {
        DeviceIds.check(deviceId);
        if (request < 1) {
            throw new IllegalArgumentException("request must be 1 or more, was " + request);
        }
        issued = Objects.requireNonNull(issued, "issued").truncatedTo(ChronoUnit.MILLIS);
        until = Objects.requireNonNull(until, "until").truncatedTo(ChronoUnit.SECONDS);
        if (!until.isAfter(issued) || until.isAfter(issued.plus(MAX_WINDOW))) {
            throw new IllegalArgumentException("until must be after issued and at most 4 hours later, was " + issued + " to " + until);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.TEST_REQUEST;
    }
}
