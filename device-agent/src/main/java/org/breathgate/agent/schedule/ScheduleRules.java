package org.breathgate.agent.schedule;

import java.time.Duration;
import java.util.Objects;
import org.breathgate.protocol.Schedule;

/**
 * Everything the schedule decides by: the receiver's {@link Schedule} plus the two rules the wire
 * format does not carry (yet), which stay local to the device.
 *
 * @param schedule         slots, windows, reminders and retest rules, as sent by the receiver
 * @param lateGrace        how long after a window closes a test still counts for that slot, marked
 *                         late. 60 minutes by default: long enough for a parent who came home late
 *                         to show the slot's result, short enough not to reach the next slot
 * @param coalescePositives whether a positive while a retest is already pending joins that chain
 *                         (one retest, due {@code retestDelayMin} after the latest positive) rather
 *                         than starting a new chain. True by default: several positives in a row
 *                         ask for one retest, not a storm of them
 * @param minute           how long one minute of the schedule lasts in real time: one minute, except in a
 *                         demonstration, which compresses the schedule (at one second, a day of slots,
 *                         windows, retests and late grace plays out in 24 minutes). When compressed, slot
 *                         times are counted in compressed days from the Unix epoch (UTC), not in the
 *                         schedule's zone, and {@code lateGrace} is compressed like every other period
 */
public record ScheduleRules(Schedule schedule, Duration lateGrace, boolean coalescePositives, Duration minute) {

    /** The default late grace, 60 minutes. */
    public static final Duration DEFAULT_LATE_GRACE = Duration.ofMinutes(60);

    /** A real minute: the schedule as written. */
    public static final Duration REAL_MINUTE = Duration.ofMinutes(1);

    public ScheduleRules {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(lateGrace, "lateGrace");
        Objects.requireNonNull(minute, "minute");
        if (lateGrace.isNegative() || lateGrace.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("lateGrace must be 0-12 hours, was " + lateGrace);
        }
        if (minute.compareTo(Duration.ofMillis(10)) < 0 || minute.compareTo(REAL_MINUTE) > 0) {
            throw new IllegalArgumentException("minute must be 10 ms to 1 minute, was " + minute);
        }
    }

    /** Rules with real minutes. */
    public ScheduleRules(Schedule schedule, Duration lateGrace, boolean coalescePositives) {
        this(schedule, lateGrace, coalescePositives, REAL_MINUTE);
    }

    /** Whether the schedule runs faster than written (a demonstration). */
    public boolean compressed() {
        return !minute.equals(REAL_MINUTE);
    }

    /** {@code n} minutes of the schedule, in real time. */
    public Duration minutes(long n) {
        return minute.multipliedBy(n);
    }

    /** A period written in schedule time (e.g. the late grace), in real time. */
    public Duration scaled(Duration scheduleTime) {
        return compressed() ? Duration.ofMillis(Math.multiplyExact(scheduleTime.toMillis(), minute.toMillis()) / REAL_MINUTE.toMillis())
                : scheduleTime;
    }

    /** {@code schedule} with the default late grace and coalescing. */
    public static ScheduleRules of(Schedule schedule) {
        return new ScheduleRules(schedule, DEFAULT_LATE_GRACE, true);
    }

    /** These rules with another receiver schedule (after a config update). */
    public ScheduleRules withSchedule(Schedule newSchedule) {
        return new ScheduleRules(newSchedule, lateGrace, coalescePositives, minute);
    }
}
