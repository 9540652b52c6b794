package org.breathgate.agent.schedule;

import static org.breathgate.agent.schedule.ScheduleFixtures.at;
import static org.breathgate.agent.schedule.ScheduleFixtures.only;
import static org.breathgate.agent.schedule.ScheduleFixtures.tickThrough;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.breathgate.agent.schedule.ScheduleCommand.RecordMissed;
import org.breathgate.agent.schedule.ScheduleCommand.WindowOpened;
import org.breathgate.protocol.Outcome;
import org.junit.jupiter.api.Test;

/** The wall clock is wrong or jumps; windows must be neither duplicated nor reported missed in a storm. */
class ClockJumpScheduleTest {

    private final TestSchedule schedule = new TestSchedule(ScheduleFixtures.rules(), ScheduleState.EMPTY);

    @Test
    void a_jump_forward_of_days_reports_no_missed_windows_for_the_days_skipped() {
        schedule.tick(at(6, 0));
        List<ScheduleCommand> out = schedule.clockJumped(at(6, 0).plus(Duration.ofDays(5)));
        assertTrue(only(out, RecordMissed.class).isEmpty(), () -> "got " + out);
    }

    @Test
    void a_jump_forward_from_an_unset_clock_in_1970_reports_nothing_missed() {
        schedule.tick(Instant.parse("1970-01-01T00:00:10Z"));
        List<ScheduleCommand> out = new ArrayList<>(schedule.clockJumped(at(12, 0)));
        out.addAll(tickThrough(schedule, at(12, 0), at(13, 0), Duration.ofMinutes(1)));
        assertTrue(only(out, RecordMissed.class).isEmpty());
    }

    @Test
    void a_jump_back_does_not_reopen_a_window_already_tested() {
        schedule.tick(at(7, 40));
        schedule.readingRecorded(1, schedule.reasonForTestAt(at(7, 45)), Outcome.PASS, at(7, 45));
        tickThrough(schedule, at(7, 45), at(9, 0), Duration.ofMinutes(1));
        List<ScheduleCommand> out = new ArrayList<>(schedule.clockJumped(at(7, 35)));
        out.addAll(tickThrough(schedule, at(7, 35), at(9, 0), Duration.ofMinutes(1)));
        assertTrue(only(out, WindowOpened.class).isEmpty(), () -> "got " + out);
        assertTrue(only(out, RecordMissed.class).isEmpty());
    }

    @Test
    void a_jump_back_does_not_report_a_missed_window_twice() {
        schedule.tick(at(7, 0));
        List<ScheduleCommand> first = tickThrough(schedule, at(7, 0), at(9, 0), Duration.ofMinutes(1));
        assertEquals(1, only(first, RecordMissed.class).size());
        List<ScheduleCommand> again = new ArrayList<>(schedule.clockJumped(at(7, 0)));
        again.addAll(tickThrough(schedule, at(7, 0), at(9, 0), Duration.ofMinutes(1)));
        assertTrue(only(again, RecordMissed.class).isEmpty());
        assertTrue(only(again, WindowOpened.class).isEmpty());
    }

    @Test
    void a_jump_into_the_middle_of_a_window_opens_it_once() {
        schedule.tick(at(3, 0));
        List<ScheduleCommand> out = new ArrayList<>(schedule.clockJumped(at(8, 5)));
        out.addAll(tickThrough(schedule, at(8, 5), at(8, 20), Duration.ofMinutes(1)));
        assertEquals(1, only(out, WindowOpened.class).size());
    }

    @Test
    void a_window_open_when_the_clock_jumps_past_it_is_reported_missed_once() {
        schedule.tick(at(7, 45));
        List<ScheduleCommand> out = new ArrayList<>(schedule.clockJumped(at(15, 0)));
        out.addAll(tickThrough(schedule, at(15, 0), at(16, 0), Duration.ofMinutes(1)));
        assertEquals(1, only(out, RecordMissed.class).size());
    }

    @Test
    void a_gap_between_ticks_longer_than_a_day_is_treated_like_a_jump() {
        schedule.tick(at(6, 0));
        List<ScheduleCommand> out = schedule.tick(at(6, 0).plus(Duration.ofDays(3)));
        assertTrue(only(out, RecordMissed.class).isEmpty());
    }
}
