package org.breathgate.agent.schedule;

import static org.breathgate.agent.schedule.ScheduleFixtures.only;
import static org.breathgate.agent.schedule.ScheduleFixtures.tickThrough;
import static org.breathgate.agent.schedule.ScheduleFixtures.twiceDaily;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import org.breathgate.agent.schedule.ScheduleCommand.RecordMissed;
import org.breathgate.agent.schedule.ScheduleCommand.Remind;
import org.breathgate.agent.schedule.ScheduleCommand.RetestDue;
import org.breathgate.agent.schedule.ScheduleCommand.RetestScheduled;
import org.breathgate.agent.schedule.ScheduleCommand.WindowOpened;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

/** The demo's compressed schedule: one minute of the schedule lasts one second, so a day lasts 24 minutes. */
class CompressedScheduleTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private final ScheduleRules rules = new ScheduleRules(twiceDaily(), ScheduleRules.DEFAULT_LATE_GRACE, true, SECOND);
    private final TestSchedule schedule = new TestSchedule(rules, ScheduleState.EMPTY);

    /** The start of a compressed day: days of 1440 s counted from the Unix epoch. */
    private static final Instant DAY = Instant.ofEpochSecond(1440L * 1_230_000);

    /** {@code hh:mm} of that compressed day. */
    private static Instant at(int hh, int mm) {
        return DAY.plusSeconds(hh * 60L + mm);
    }

    @Test
    void the_08_00_window_opens_at_07_30_of_the_compressed_day_and_closes_a_minute_later() {
        schedule.tick(at(7, 0));
        List<WindowOpened> opened = only(tickThrough(schedule, at(7, 0), at(7, 45), Duration.ofMillis(250)), WindowOpened.class);
        assertEquals(1, opened.size());
        assertEquals(new TestReason.Scheduled(at(8, 0), false), opened.get(0).reason());
        assertEquals(at(8, 30), opened.get(0).closes());
        assertEquals(Duration.ofSeconds(60), Duration.between(at(7, 30), opened.get(0).closes()));
    }

    @Test
    void reminders_and_the_missed_test_come_in_compressed_minutes() {
        schedule.tick(at(7, 0));
        List<ScheduleCommand> out = tickThrough(schedule, at(7, 0), at(9, 0), Duration.ofMillis(250));
        assertEquals(List.of(30L, 15L), only(out, Remind.class).stream().map(Remind::minutesLeft).toList());
        assertEquals(List.of(new RecordMissed(new TestReason.Scheduled(at(8, 0), false), at(7, 30), at(8, 30), 0)),
                only(out, RecordMissed.class));
    }

    @Test
    void the_slots_come_again_the_next_compressed_day_24_minutes_later() {
        schedule.tick(at(7, 0));
        List<WindowOpened> opened = only(tickThrough(schedule, at(7, 0), at(8, 0).plus(Duration.ofMinutes(24)), SECOND),
                WindowOpened.class);
        assertEquals(List.of(at(8, 0), at(20, 0), at(8, 0).plus(Duration.ofMinutes(24))),
                opened.stream().map(w -> ((TestReason.Scheduled) w.reason()).slot()).toList());
    }

    @Test
    void a_retest_is_due_twenty_compressed_minutes_after_a_positive_and_open_thirty() {
        schedule.tick(at(7, 40));
        List<ScheduleCommand> after = schedule.readingRecorded(1, schedule.reasonForTestAt(at(7, 45)), Outcome.FAIL, at(7, 45));
        RetestScheduled retest = only(after, RetestScheduled.class).get(0);
        assertEquals(at(8, 5), retest.due());
        List<ScheduleCommand> out = tickThrough(schedule, at(7, 45), at(8, 40), Duration.ofMillis(250));
        assertEquals(at(8, 35), only(out, RetestDue.class).get(0).closes());
        assertEquals(1, only(out, RecordMissed.class).stream().filter(m -> m.reason() instanceof TestReason.Retest).count());
    }

    @Test
    void a_test_in_the_window_closes_it_with_no_reminder_or_missed_test_after() {
        schedule.tick(at(7, 0));
        tickThrough(schedule, at(7, 0), at(7, 40), Duration.ofMillis(250));
        TestReason reason = schedule.reasonForTestAt(at(7, 41));
        assertEquals(new TestReason.Scheduled(at(8, 0), false), reason);
        schedule.readingRecorded(1, reason, Outcome.PASS, at(7, 41));
        List<ScheduleCommand> out = tickThrough(schedule, at(7, 41), at(9, 0), Duration.ofMillis(250));
        assertEquals(List.of(), only(out, Remind.class));
        assertEquals(List.of(), only(out, RecordMissed.class));
    }

    @Test
    void with_a_minute_of_a_quarter_second_a_test_still_closes_its_window() {
        // 08:01 is 120.25 s into a compressed day: not a whole second.
        Schedule oneOhOne = Schedule.withDefaults(ScheduleFixtures.HELSINKI, List.of(Schedule.Slot.at(LocalTime.of(8, 1))));
        ScheduleRules quarter = new ScheduleRules(oneOhOne, ScheduleRules.DEFAULT_LATE_GRACE, true, Duration.ofMillis(250));
        TestSchedule s = new TestSchedule(quarter, ScheduleState.EMPTY);
        Instant day = Instant.ofEpochMilli(360_000L * 4_920_000); // a compressed day of 6 minutes
        Instant before = day.plusMillis(440 * 250);               // 07:20
        s.tick(before);
        List<WindowOpened> opened = only(tickThrough(s, before, before.plusSeconds(3), Duration.ofMillis(50)), WindowOpened.class);
        assertEquals(1, opened.size());
        TestReason reason = s.reasonForTestAt(before.plusSeconds(3));
        // The wire carries slots in whole seconds; the window's own slot is cut to match, or the test would not close it.
        assertEquals(opened.get(0).reason(), reason);
        s.readingRecorded(1, reason, Outcome.PASS, before.plusSeconds(3));
        List<ScheduleCommand> out = tickThrough(s, before.plusSeconds(3), before.plusSeconds(40), Duration.ofMillis(50));
        assertEquals(List.of(), only(out, Remind.class));
        assertEquals(List.of(), only(out, RecordMissed.class));
    }

    @Test
    void the_late_grace_is_compressed_too() {
        schedule.tick(at(7, 0));
        tickThrough(schedule, at(7, 0), at(8, 31), Duration.ofMillis(250));
        assertEquals(new TestReason.Scheduled(at(8, 0), true), schedule.reasonForTestAt(at(9, 29)));
        assertEquals(new TestReason.OnDemand(), schedule.reasonForTestAt(at(9, 31)));
    }

    @Test
    void real_minutes_are_the_default_and_a_minute_longer_than_a_minute_is_refused() {
        assertFalse(ScheduleRules.of(twiceDaily()).compressed());
        assertTrue(rules.compressed());
        assertEquals(Duration.ofSeconds(3), rules.scaled(Duration.ofMinutes(3)));
        assertThrows(IllegalArgumentException.class,
                () -> new ScheduleRules(twiceDaily(), ScheduleRules.DEFAULT_LATE_GRACE, true, Duration.ofMinutes(2)));
    }
}
