package org.breathgate.agent.schedule;

import static org.breathgate.agent.schedule.ScheduleFixtures.HELSINKI;
import static org.breathgate.agent.schedule.ScheduleFixtures.at;
import static org.breathgate.agent.schedule.ScheduleFixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.breathgate.agent.schedule.TestSchedule.NextTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

/** The answer to the parent's "when is my next test?". */
class NextTestTest {

    private final TestSchedule schedule = new TestSchedule(rules(), ScheduleState.EMPTY);

    @Test
    void between_slots_the_next_test_is_the_next_slot() {
        schedule.tick(at(10, 0));
        assertEquals(new NextTest.At(at(20, 0), false), schedule.nextTest(at(10, 0)));
    }

    @Test
    void after_the_evening_slot_the_next_test_is_tomorrow_morning() {
        schedule.tick(at(21, 0));
        assertEquals(new NextTest.At(at(8, 0).plus(Duration.ofDays(1)), false), schedule.nextTest(at(21, 0)));
    }

    @Test
    void while_a_window_is_open_the_test_is_now() {
        schedule.tick(at(7, 45));
        assertEquals(new NextTest.Now(new TestReason.Scheduled(at(8, 0), false)), schedule.nextTest(at(7, 45)));
    }

    @Test
    void a_slot_already_tested_is_not_the_next_test_even_while_its_window_is_open() {
        schedule.tick(at(7, 45));
        schedule.readingRecorded(1, new TestReason.Scheduled(at(8, 0), false), Outcome.PASS, at(7, 46));
        assertEquals(new NextTest.At(at(20, 0), false), schedule.nextTest(at(7, 50)));
    }

    @Test
    void after_a_positive_the_next_test_is_the_retest_and_the_light_may_say_one_is_coming() {
        schedule.tick(at(10, 0));
        schedule.readingRecorded(1, new TestReason.OnDemand(), Outcome.FAIL, at(10, 0));
        assertEquals(new NextTest.At(at(10, 20), true), schedule.nextTest(at(10, 1)));
        assertTrue(schedule.retestPending(at(10, 1)));
        assertFalse(schedule.retestPending(at(10, 20)), "due now, no longer pending");
    }

    @Test
    void without_slots_or_a_retest_there_is_no_next_test() {
        TestSchedule none = new TestSchedule(ScheduleRules.of(Schedule.withDefaults(HELSINKI, List.of())), ScheduleState.EMPTY);
        none.tick(at(10, 0));
        assertEquals(new NextTest.None(), none.nextTest(at(10, 0)));
    }
}
