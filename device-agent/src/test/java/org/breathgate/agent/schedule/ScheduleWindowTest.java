package org.breathgate.agent.schedule;

import static org.breathgate.agent.schedule.ScheduleFixtures.at;
import static org.breathgate.agent.schedule.ScheduleFixtures.only;
import static org.breathgate.agent.schedule.ScheduleFixtures.rules;
import static org.breathgate.agent.schedule.ScheduleFixtures.tickThrough;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.breathgate.agent.schedule.ScheduleCommand.RecordMissed;
import org.breathgate.agent.schedule.ScheduleCommand.Remind;
import org.breathgate.agent.schedule.ScheduleCommand.WindowOpened;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

class ScheduleWindowTest {

    private final TestSchedule schedule = new TestSchedule(rules(), ScheduleState.EMPTY);

    @Test
    void a_window_opens_thirty_minutes_before_the_slot_and_prompts_once() {
        schedule.tick(at(7, 0));
        List<ScheduleCommand> out = tickThrough(schedule, at(7, 0), at(7, 45), Duration.ofMinutes(1));
        List<WindowOpened> opened = only(out, WindowOpened.class);
        assertEquals(1, opened.size());
        assertEquals(at(8, 30), opened.get(0).closes());
        assertEquals(new TestReason.Scheduled(at(8, 0), false), opened.get(0).reason());
    }

    @Test
    void reminders_come_thirty_and_fifteen_minutes_before_the_window_closes() {
        schedule.tick(at(7, 0));
        List<Remind> reminders = only(tickThrough(schedule, at(7, 0), at(8, 29), Duration.ofSeconds(30)), Remind.class);
        assertEquals(List.of(30L, 15L), reminders.stream().map(Remind::minutesLeft).toList());
    }

    @Test
    void a_window_that_closes_untested_is_recorded_missed_once() {
        schedule.tick(at(7, 0));
        List<RecordMissed> missed = only(tickThrough(schedule, at(7, 0), at(11, 0), Duration.ofMinutes(1)), RecordMissed.class);
        assertEquals(1, missed.size());
        assertEquals(new RecordMissed(new TestReason.Scheduled(at(8, 0), false), at(7, 30), at(8, 30), 0), missed.get(0));
    }

    @Test
    void a_valid_test_in_the_window_closes_it_without_a_missed_event() {
        schedule.tick(at(7, 40));
        TestReason reason = schedule.reasonForTestAt(at(7, 50));
        schedule.readingRecorded(1, reason, Outcome.PASS, at(7, 50));
        List<ScheduleCommand> out = tickThrough(schedule, at(7, 50), at(12, 0), Duration.ofMinutes(1));
        assertTrue(only(out, RecordMissed.class).isEmpty());
        assertTrue(only(out, Remind.class).isEmpty());
    }

    @Test
    void aborted_attempts_leave_the_window_open_and_are_counted_in_the_missed_event() {
        schedule.tick(at(7, 40));
        TestReason reason = schedule.reasonForTestAt(at(7, 50));
        schedule.readingRecorded(1, reason, Outcome.ABORTED, at(7, 50));
        schedule.readingRecorded(2, reason, Outcome.ABORTED, at(7, 52));
        assertEquals(reason, schedule.reasonForTestAt(at(7, 53)));
        List<RecordMissed> missed = only(tickThrough(schedule, at(7, 52), at(8, 31), Duration.ofMinutes(1)), RecordMissed.class);
        assertEquals(2, missed.get(0).abortedAttempts());
    }

    @Test
    void a_test_soon_after_the_window_closed_is_marked_late_for_that_slot() {
        schedule.tick(at(8, 0));
        tickThrough(schedule, at(8, 0), at(8, 45), Duration.ofMinutes(1));
        assertEquals(new TestReason.Scheduled(at(8, 0), true), schedule.reasonForTestAt(at(8, 45)));
    }

    @Test
    void a_late_test_is_no_longer_offered_after_the_grace_period() {
        schedule.tick(at(8, 0));
        tickThrough(schedule, at(8, 0), at(9, 31), Duration.ofMinutes(1));
        assertInstanceOf(TestReason.OnDemand.class, schedule.reasonForTestAt(at(9, 31)));
    }

    @Test
    void outside_any_window_a_test_is_on_demand() {
        schedule.tick(at(12, 0));
        assertInstanceOf(TestReason.OnDemand.class, schedule.reasonForTestAt(at(12, 0)));
    }

    @Test
    void the_first_tick_ever_does_not_report_windows_that_closed_before_the_device_started() {
        List<ScheduleCommand> out = schedule.tick(at(12, 0));
        assertTrue(only(out, RecordMissed.class).isEmpty());
    }

    @Test
    void starting_inside_a_window_opens_it() {
        List<WindowOpened> opened = only(schedule.tick(at(8, 10)), WindowOpened.class);
        assertEquals(1, opened.size());
    }

    @Test
    void a_restart_continues_from_stored_state_without_reopening_a_tested_window() {
        schedule.tick(at(7, 40));
        schedule.readingRecorded(1, schedule.reasonForTestAt(at(7, 45)), Outcome.PASS, at(7, 45));
        String stored = schedule.state().encode();
        TestSchedule restarted = new TestSchedule(rules(), ScheduleState.decode(stored));
        List<ScheduleCommand> out = tickThrough(restarted, at(7, 46), at(10, 0), Duration.ofMinutes(1));
        assertTrue(out.isEmpty(), () -> "expected nothing, got " + out);
    }

    @Test
    void windows_that_closed_while_the_agent_was_down_for_a_few_hours_are_each_recorded_missed() {
        schedule.tick(at(6, 0));
        TestSchedule restarted = new TestSchedule(rules(), ScheduleState.decode(schedule.state().encode()));
        List<RecordMissed> missed = only(restarted.tick(at(21, 0)), RecordMissed.class);
        assertEquals(2, missed.size());
    }

    @Test
    void a_reminder_after_a_restart_late_in_the_window_is_given_once_not_as_a_burst() {
        schedule.tick(at(7, 31));
        List<Remind> reminders = only(schedule.tick(at(8, 20)), Remind.class);
        assertEquals(1, reminders.size());
        assertEquals(10L, reminders.get(0).minutesLeft());
        assertTrue(only(schedule.tick(at(8, 21)), Remind.class).isEmpty());
    }

    @Test
    void new_rules_take_effect_for_the_next_window() {
        schedule.tick(at(7, 0));
        schedule.replaceRules(ScheduleRules.of(org.breathgate.protocol.Schedule.withDefaults(ScheduleFixtures.HELSINKI,
                List.of(org.breathgate.protocol.Schedule.Slot.at(java.time.LocalTime.of(12, 0))))));
        List<WindowOpened> opened = only(tickThrough(schedule, at(7, 0), at(12, 0), Duration.ofMinutes(1)), WindowOpened.class);
        assertEquals(List.of(at(12, 30)), opened.stream().map(WindowOpened::closes).toList());
    }
}
