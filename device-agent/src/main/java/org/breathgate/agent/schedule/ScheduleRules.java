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
 */
public record ScheduleRules(Schedule schedule, Duration lateGrace, boolean coalescePositives) {

    /** The default late grace, 60 minutes. */
    public static final Duration DEFAULT_LATE_GRACE = Duration.ofMinutes(60);

    public ScheduleRules {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(lateGrace, "lateGrace");
        if (lateGrace.isNegative() || lateGrace.compareTo(Duration.ofHours(12)) > 0) {
            throw new IllegalArgumentException("lateGrace must be 0-12 hours, was " + lateGrace);
        }
    }

    /** {@code schedule} with the default late grace and coalescing. */
    public static ScheduleRules of(Schedule schedule) {
        return new ScheduleRules(schedule, DEFAULT_LATE_GRACE, true);
    }

    /** These rules with another receiver schedule (after a config update). */
    public ScheduleRules withSchedule(Schedule newSchedule) {
        return new ScheduleRules(newSchedule, lateGrace, coalescePositives);
    }
}
