package org.breathgate.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a demo runs.
 *
 * @param dataDir        the demo's folder (receiver database, keys, the homes' devices, the log)
 * @param keep           reuse what {@code dataDir} holds from an earlier run instead of starting fresh
 * @param webPort        HTTPS port of the web UI; 0 picks a free one (tests)
 * @param speed          how many schedule minutes pass in one real minute: 60 by default, so a
 *                       minute of the schedule is a second and a day of tests plays out in 24 minutes
 * @param offlineMinutes how long, in schedule minutes, the third home's link stays cut
 * @param realisticBlows whether a blow takes real seconds as on a real device (the demo) or tens of
 *                       milliseconds (tests)
 * @param progressEvery  how often the progress line is looked at: printed when it changed, and at least once a minute
 */
public record DemoSettings(Path dataDir, boolean keep, int webPort, int speed, int offlineMinutes, boolean realisticBlows,
                           Duration progressEvery) {

    /** Schedule minutes from the start until the first slot: its window opens 10-20 minutes after the start. */
    static final int FIRST_SLOT_AFTER_MIN = 40;
    /** Minutes between slots: twelve a day, each with the default 30 minutes either side. */
    static final int SLOT_EVERY_MIN = 120;
    /** Schedule minutes a parent takes to react to the device's light. */
    static final int REACTION_MIN = 4;
    /** Schedule minutes after the missed window until the third parent tests late (inside the 60-minute grace). */
    static final int LATE_TEST_AFTER_MIN = 10;

    public DemoSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(progressEvery, "progressEvery");
        if (webPort < 0 || webPort > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + webPort);
        }
        if (speed < 1 || speed > 600) {
            throw new IllegalArgumentException("speed must be 1-600 schedule minutes per minute, was " + speed);
        }
        if (offlineMinutes < 1 || offlineMinutes > 720) {
            throw new IllegalArgumentException("offline time must be 1-720 schedule minutes, was " + offlineMinutes);
        }
    }

    /** The defaults of {@code bin/demo}: ./demo-data, fresh, port 8443, 60 times faster, offline for 2½ hours of schedule. */
    public static DemoSettings defaults() {
        return new DemoSettings(Path.of("demo-data"), false, 8443, 60, 150, true, Duration.ofSeconds(10));
    }

    /** One minute of the schedule in real time. */
    public Duration scheduleMinute() {
        return Duration.ofMillis(60_000L / speed);
    }

    /** {@code minutes} of the schedule in real time. */
    Duration minutes(int minutes) {
        return scheduleMinute().multipliedBy(minutes);
    }
}
