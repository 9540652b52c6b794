package org.breathgate.protocol;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A new configuration for one device, signed by the receiver. The device uses it only after
 * verifying the signature and only if {@code version} is higher than the one it has, so an old
 * configuration cannot be replayed.
 *
 * <p>{@code speakResults} and {@code audioLanguage} are optional (null: the receiver does not say, and
 * the device keeps its own setting). Devices older than these fields ignore them, as they ignore any
 * unknown key, so a receiver may send them to every device.
 *
 * @param deviceId              the device it is for
 * @param version               increases with every change, from 1
 * @param issued                when the receiver made it
 * @param schedule              the test schedule and retest rules
 * @param threshold             at or above this a result is a positive (FAIL) and asks for a retest
 * @param language              prompt language: {@code fi}, {@code sv} or {@code en}; also the language of
 *                              synthesised speech where no recording is supplied
 * @param statusIntervalSeconds seconds between status heartbeats (30-86400)
 * @param speakResults          whether the device may say a result aloud ("the test showed alcohol"); null: not said.
 *                              Devices say less by default (false), because children may be listening
 * @param audioLanguage         the language of the service's recorded prompts, a code of 2-3 letters a-z
 *                              (ISO 639, e.g. {@code se} for Northern Sámi), which may differ from {@code language};
 *                              null: not said (the device uses recordings in {@code language}, if any)
 */
public record ConfigUpdate(
        String deviceId,
        long version,
        Instant issued,
        Schedule schedule,
        BreathAlcohol threshold,
        String language,
        int statusIntervalSeconds,
        Boolean speakResults,
        String audioLanguage) implements ReceiverMessage {

    /** Prompt languages a device speaks. */
    public static final Set<String> LANGUAGES = Set.of("fi", "sv", "en");

    /** A language code of recorded prompts: ISO 639-1 or 639-3, lower case. */
    public static final Pattern AUDIO_LANGUAGE = Pattern.compile("[a-z]{2,3}");

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
        if (audioLanguage != null && !AUDIO_LANGUAGE.matcher(audioLanguage).matches()) {
            throw new IllegalArgumentException("audio_language must be 2-3 letters a-z (e.g. se), was '" + audioLanguage + "'");
        }
    }

    /** A configuration that says nothing of spoken results or recordings, as before those fields. */
    public ConfigUpdate(String deviceId, long version, Instant issued, Schedule schedule, BreathAlcohol threshold,
                        String language, int statusIntervalSeconds) {
        this(deviceId, version, issued, schedule, threshold, language, statusIntervalSeconds, null, null);
    }

    @Override
    public MessageType type() {
        return MessageType.CONFIG;
    }
}
