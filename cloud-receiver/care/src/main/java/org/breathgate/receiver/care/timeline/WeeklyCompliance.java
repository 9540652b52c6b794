package org.breathgate.receiver.care.timeline;

import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Weekly compliance at a glance: per ISO week (Monday to Sunday in the care zone), how many scheduled
 * tests were due, taken (on time or late), missed (and of those excused), and how many positives there
 * were. Computed from timeline entries only, so it never counts what the viewer may not see (a
 * child-protection worker's figures cover only what consent shows them).
 *
 * <p>Counting rules:
 * <ul>
 *   <li>A scheduled slot is identified by its nominal time; several readings in one slot (an aborted
 *       try, then a valid one) count once.</li>
 *   <li><b>taken</b>: slots with a reading that has a valid sample (pass or fail); <b>late</b>: of those,
 *       taken after the window closed.</li>
 *   <li><b>missed</b>: every missed test the timeline shows: slots whose window closed with no valid sample (even
 *       when the slot was then tested late, within the late grace: it was missed in its window, and the timeline shows
 *       it) and missed retests; <b>excused</b>: of those, with a worker's excuse. So the table never says fewer missed
 *       tests than the rows above it show.</li>
 *   <li>Random tests and tests a worker asked for count as scheduled tests (each by its drawn time or request number).</li>
 *   <li><b>scheduled</b>: the slots the device knows were due, each once: tested, or missed, or both (missed in the
 *       window, tested late); a slot with only aborted tries and no missed-test event yet is not counted until its
 *       window closes. Retests are not slots.</li>
 *   <li><b>positives</b>: failed readings that start a chain (scheduled or on-demand); their retests are not
 *       counted again, so one drinking episode is one positive.</li>
 * </ul>
 * An event belongs to the week of the latest time it can have happened ({@code EventTime.latest()}: the
 * device's time when its clock was synchronised, else the receipt).
 */
public final class WeeklyCompliance {

    /**
     * One ISO week's figures.
     *
     * @param weekBasedYear the ISO week-based year
     * @param week          the ISO week number, 1-53
     * @param monday        the week's Monday
     */
    public record Week(int weekBasedYear, int week, LocalDate monday, int scheduled, int taken, int late, int missed, int excused,
                       int positives) {

        public Week {
            Objects.requireNonNull(monday, "monday");
        }

        /** Taken out of scheduled as a whole percentage (rounded down), or -1 when nothing was scheduled. */
        public int percentTaken() {
            return scheduled == 0 ? -1 : taken * 100 / scheduled;
        }

        /** {@code 2026-W10}. */
        public String label() {
            return String.format("%d-W%02d", weekBasedYear, week);
        }
    }

    private WeeklyCompliance() {
    }

    /** The weeks holding any of {@code items}, oldest first. */
    public static List<Week> of(List<TimelineEntry> items, ZoneId zone) {
        TreeMap<LocalDate, Tally> weeks = new TreeMap<>();
        for (TimelineEntry item : items) {
            LocalDate monday = mondayOf(item.time().latest(), zone);
            Tally t = weeks.computeIfAbsent(monday, m -> new Tally());
            if (item.event() instanceof Reading r) {
                Object expected = expectedKey(r.reason());
                if (expected != null && !(r.reason() instanceof TestReason.Scheduled) && item.validSample()) {
                    t.slots.add(expected);
                    t.taken.add(expected);
                }
                if (r.reason() instanceof TestReason.Scheduled s && item.validSample()) {
                    t.slots.add(s.slot());
                    if (t.taken.add(s.slot()) && s.late()) {
                        t.late.add(s.slot());
                    }
                }
                if (item.positive() && item.kind() == TimelineEntry.Kind.TEST) {
                    t.positives++;
                }
            } else if (item.event() instanceof MissedTest m) {
                // A slot is named by its nominal time, a missed retest by its own sequence number.
                Object key = expectedKey(m.reason());
                Object missed = key != null ? key : (Object) ("seq:" + m.seq());
                if (key != null) {
                    t.slots.add(key);
                }
                t.missed.add(missed);
                if (item.excuse() != null) {
                    t.excused.add(missed);
                }
            }
        }
        List<Week> out = new ArrayList<>();
        weeks.forEach((monday, t) -> {
            out.add(new Week(monday.get(IsoFields.WEEK_BASED_YEAR), monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), monday,
                    t.slots.size(), t.taken.size(), t.late.size(), t.missed.size(), t.excused.size(), t.positives));
        });
        return out;
    }

    /**
     * What names an expected test: a slot by its nominal time, a random test by its drawn time, a requested test by its
     * number; retests and own tests are not expected tests ({@code null}).
     */
    private static Object expectedKey(TestReason reason) {
        if (reason instanceof TestReason.Scheduled s) {
            return s.slot();
        }
        if (reason instanceof TestReason.Random r) {
            return "random:" + r.slot();
        }
        return reason instanceof TestReason.Requested q ? "request:" + q.request() : null;
    }

    static LocalDate mondayOf(Instant at, ZoneId zone) {
        return at.atZone(zone).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    private static final class Tally {
        final Set<Object> taken = new HashSet<>();
        final Set<Instant> late = new HashSet<>();
        final Set<Object> slots = new HashSet<>();
        final Set<Object> missed = new HashSet<>();
        final Set<Object> excused = new HashSet<>();
        int positives;
    }
}
