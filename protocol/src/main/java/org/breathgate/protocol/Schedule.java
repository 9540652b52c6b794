package org.breathgate.protocol;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * A client's test schedule and retest rules, as sent to the device in a {@link ConfigUpdate}.
 *
 * <p>The defaults follow what comparable services do: one-hour windows around each slot
 * (08:00 ± 30 min), reminders 30 and 15 minutes before a window closes, a confirmation retest 20
 * minutes after a positive with 30 minutes to take it, repeated until a result is under the
 * threshold, and a reminder to wait 15 minutes after eating, drinking or smoking.
 *
 * @param zone                    the time zone the slot times are in (e.g. Europe/Helsinki)
 * @param slots                   daily test times with their windows, at most 24
 * @param remindersBeforeCloseMin minutes before a window closes at which to remind, each 1-240, at most 8
 * @param retestDelayMin          minutes after a positive until the confirmation retest is due
 * @param retestWindowMin         minutes the due retest stays open before it counts as missed
 * @param maxRetests              retests in one chain at most ("test to zero", bounded)
 * @param abstainMin              minutes to go without eating, drinking or smoking before a test
 * @param random                  random tests each day, drawn by the device, or {@code null} for none
 */
public record Schedule(
        ZoneId zone,
        List<Slot> slots,
        List<Integer> remindersBeforeCloseMin,
        int retestDelayMin,
        int retestWindowMin,
        int maxRetests,
        int abstainMin,
        RandomTests random) {

    /** A schedule without random tests. */
    public Schedule(ZoneId zone, List<Slot> slots, List<Integer> remindersBeforeCloseMin, int retestDelayMin, int retestWindowMin,
                    int maxRetests, int abstainMin) {
        this(zone, slots, remindersBeforeCloseMin, retestDelayMin, retestWindowMin, maxRetests, abstainMin, null);
    }

    /** This schedule with {@code random} tests (or none, {@code null}). */
    public Schedule withRandom(RandomTests random) {
        return new Schedule(zone, slots, remindersBeforeCloseMin, retestDelayMin, retestWindowMin, maxRetests, abstainMin, random);
    }

    public Schedule {
        Objects.requireNonNull(zone, "zone");
        slots = List.copyOf(slots);
        if (slots.size() > 24) {
            throw new IllegalArgumentException("at most 24 slots a day");
        }
        remindersBeforeCloseMin = List.copyOf(remindersBeforeCloseMin);
        if (remindersBeforeCloseMin.size() > 8) {
            throw new IllegalArgumentException("at most 8 reminders per window, had " + remindersBeforeCloseMin.size());
        }
        for (int m : remindersBeforeCloseMin) {
            if (m < 1 || m > 240) {
                throw new IllegalArgumentException("a reminder must be 1-240 minutes before close, was " + m);
            }
        }
        requireRange("retestDelayMin", retestDelayMin, 1, 240);
        requireRange("retestWindowMin", retestWindowMin, 1, 240);
        requireRange("maxRetests", maxRetests, 0, 20);
        requireRange("abstainMin", abstainMin, 0, 120);
    }

    /** The default rules with the given slots. */
    public static Schedule withDefaults(ZoneId zone, List<Slot> slots) {
        return new Schedule(zone, slots, List.of(30, 15), 20, 30, 6, 15);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + "-" + max + ", was " + value);
        }
    }

    /**
     * A daily test time and its window.
     *
     * @param at              nominal local time of the test
     * @param windowBeforeMin minutes before {@code at} the window opens (0-120)
     * @param windowAfterMin  minutes after {@code at} the window closes (1-120)
     */
    public record Slot(LocalTime at, int windowBeforeMin, int windowAfterMin) {
        public Slot {
            Objects.requireNonNull(at, "at");
            at = at.withSecond(0).withNano(0);
            requireRange("windowBeforeMin", windowBeforeMin, 0, 120);
            requireRange("windowAfterMin", windowAfterMin, 1, 120);
        }

        /** A slot with the default window of 30 minutes either side. */
        public static Slot at(LocalTime at) {
            return new Slot(at, 30, 30);
        }
    }

    /**
     * Random tests, as SCRAM and BACtrack offer them: {@code perDay} tests a day at times the device draws within
     * {@code from}–{@code until} (local time in the schedule's zone), each with a window of {@code windowMin} minutes. The
     * device draws them with a secret of its own, so nobody can predict them from the configuration, and announces each only
     * when its window opens; a window that closes without a valid test is a missed test like any other.
     *
     * @param perDay    tests a day, 1-12
     * @param from      the earliest a random window opens
     * @param until     the latest a random window closes; after {@code from}
     * @param windowMin minutes each window stays open, 5-120; {@code perDay} windows must fit between {@code from} and
     *                  {@code until}
     */
    public record RandomTests(int perDay, LocalTime from, LocalTime until, int windowMin) {
        public RandomTests {
            requireRange("perDay", perDay, 1, 12);
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(until, "until");
            from = from.withSecond(0).withNano(0);
            until = until.withSecond(0).withNano(0);
            requireRange("windowMin", windowMin, 5, 120);
            if (!from.isBefore(until)) {
                throw new IllegalArgumentException("random tests' from " + from + " must be before until " + until);
            }
            long minutes = java.time.Duration.between(from, until).toMinutes();
            if ((long) perDay * windowMin > minutes) {
                throw new IllegalArgumentException(perDay + " random windows of " + windowMin + " minutes do not fit between " + from
                        + " and " + until);
            }
        }
    }
}
