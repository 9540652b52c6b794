package org.breathgate.receiver.care.schedule;

import org.breathgate.protocol.Schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * The parent's next scheduled test as their page says it: the slot's time and its window, the first slot whose window has not
 * closed yet (so a window open now is "the next test" until it closes). Random tests are never in it: the device draws them
 * and announces none ahead (docs/ui.md), so the page only says that they can come.
 *
 * @param at          the slot's time
 * @param windowFrom  when its window opens
 * @param windowUntil when its window closes
 * @param randomToo   whether the schedule also has random tests, whose times nobody knows ahead
 */
public record NextTest(Instant at, Instant windowFrom, Instant windowUntil, boolean randomToo) {

    public NextTest {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(windowFrom, "windowFrom");
        Objects.requireNonNull(windowUntil, "windowUntil");
    }

    /** The first slot of {@code schedule} (in its own zone) whose window closes after {@code now}; empty when it has no slots. */
    public static Optional<NextTest> of(Schedule schedule, Instant now) {
        NextTest best = null;
        LocalDate today = now.atZone(schedule.zone()).toLocalDate();
        for (int day = -1; day <= 1; day++) { // a window opened before midnight, today's, and tomorrow's
            for (Schedule.Slot slot : schedule.slots()) {
                ZonedDateTime at = today.plusDays(day).atTime(slot.at()).atZone(schedule.zone());
                Instant until = at.plusMinutes(slot.windowAfterMin()).toInstant();
                if (until.isAfter(now) && (best == null || at.toInstant().isBefore(best.at()))) {
                    best = new NextTest(at.toInstant(), at.minusMinutes(slot.windowBeforeMin()).toInstant(), until,
                            schedule.random() != null && schedule.random().perDay() > 0);
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
