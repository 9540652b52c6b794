package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;

/**
 * A new configuration for one device, signed by the receiver. The device uses it only after
 * verifying the signature and only if {@code version} is higher than the one it has, so an old
 * configuration cannot be replayed.
 *
 * @param deviceId              the device it is for
 * @param version               increases with every change, from 1
 * @param issued                when the receiver made it
 * @param schedule              the test schedule and retest rules
 * @param threshold             at or above this a result is a positive (FAIL) and asks for a retest
 * @param language              prompt language: {@code fi}, {@code sv} or {@code en}
 * @param statusIntervalSeconds seconds between status heartbeats (30-86400)
 */
public record ConfigUpdate(
        String deviceId,
        long version,
        Instant issued,
        Schedule schedule,
        BreathAlcohol threshold,
        String language,
        int statusIntervalSeconds) implements ReceiverMessage {

    /** Prompt languages a device speaks. */
    public static final Set<String> LANGUAGES = Set.of("fi", "sv", "en");

    public ConfigUpdate {
        DeviceIds.check(deviceId);
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, was " + version);
        }
        issued = Objects.requireNonNull(issued, "issued").truncatedTo(ChronoUnit.MILLIS);
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.microgramsPerLitre() < 1) {
            throw new IllegalArgumentException("threshold must be at least 1 µg/L");
        }
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of fi, sv, en, was '" + language + "'");
        }
        if (statusIntervalSeconds < 30 || statusIntervalSeconds > 86_400) {
            throw new IllegalArgumentException("statusIntervalSeconds must be 30-86400, was " + statusIntervalSeconds);
        }
    }

    @Override
    public MessageType type() {
        return MessageType.CONFIG;
    }
}
