package org.breathgate.agent.schedule;

import static org.breathgate.agent.schedule.ScheduleFixtures.at;
import static org.breathgate.agent.schedule.ScheduleFixtures.only;
import static org.breathgate.agent.schedule.ScheduleFixtures.tickThrough;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.breathgate.agent.schedule.ScheduleCommand.ChainCleared;
import org.breathgate.agent.schedule.ScheduleCommand.ChainLimitReached;
import org.breathgate.agent.schedule.ScheduleCommand.RecordMissed;
import org.breathgate.agent.schedule.ScheduleCommand.RetestDue;
import org.breathgate.agent.schedule.ScheduleCommand.RetestScheduled;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

class RetestChainTest {

    private final TestSchedule schedule = new TestSchedule(ScheduleFixtures.rules(), ScheduleState.EMPTY);

    private void positiveOnDemand(long seq, Instant when) {
        schedule.tick(when);
        schedule.readingRecorded(seq, schedule.reasonForTestAt(when), Outcome.FAIL, when);
    }

    @Test
    void retest_is_due_twenty_minutes_after_a_positive() {
        schedule.tick(at(12, 0));
        List<ScheduleCommand> out = schedule.readingRecorded(5, new TestReason.OnDemand(), Outcome.FAIL, at(12, 0));
        assertEquals(List.of(new RetestScheduled(at(12, 20), 20)), out);
        assertInstanceOf(TestReason.OnDemand.class, schedule.reasonForTestAt(at(12, 19)));
        assertEquals(new TestReason.Retest(5, 5, 1), schedule.reasonForTestAt(at(12, 20)));
    }

    @Test
    void the_parent_is_prompted_once_when_the_retest_falls_due() {
        positiveOnDemand(5, at(12, 0));
        List<RetestDue> due = only(tickThrough(schedule, at(12, 0), at(12, 40), Duration.ofSeconds(30)), RetestDue.class);
        assertEquals(1, due.size());
        assertEquals(at(12, 50), due.get(0).closes());
    }

    @Test
    void a_retest_under_the_threshold_closes_the_chain() {
        positiveOnDemand(5, at(12, 0));
        TestReason retest = schedule.reasonForTestAt(at(12, 21));
        List<ScheduleCommand> out = schedule.readingRecorded(6, retest, Outcome.PASS, at(12, 21));
        assertEquals(List.of(new ChainCleared(5)), out);
        assertInstanceOf(TestReason.OnDemand.class, schedule.reasonForTestAt(at(12, 45)));
    }

    @Test
    void a_positive_retest_asks_for_the_next_one_linked_to_the_first_reading_of_the_chain() {
        positiveOnDemand(5, at(12, 0));
        schedule.readingRecorded(6, schedule.reasonForTestAt(at(12, 21)), Outcome.FAIL, at(12, 21));
        assertEquals(new TestReason.Retest(6, 5, 2), schedule.reasonForTestAt(at(12, 41)));
    }

    @Test
    void test_to_zero_stops_at_the_retest_limit() {
        positiveOnDemand(1, at(12, 0));
        Instant t = at(12, 0);
        ScheduleCommand last = null;
        for (int i = 1; i <= 6; i++) {
            t = t.plus(Duration.ofMinutes(21));
            List<ScheduleCommand> out = schedule.readingRecorded(1 + i, schedule.reasonForTestAt(t), Outcome.FAIL, t);
            last = out.get(0);
        }
        assertEquals(new ChainLimitReached(1), last);
        assertInstanceOf(TestReason.OnDemand.class, schedule.reasonForTestAt(t.plus(Duration.ofMinutes(21))));
    }

    @Test
    void a_pending_retest_expires_as_a_missed_retest_after_its_window() {
        positiveOnDemand(5, at(12, 0));
        List<RecordMissed> missed = only(tickThrough(schedule, at(12, 0), at(13, 30), Duration.ofMinutes(1)), RecordMissed.class);
        assertEquals(List.of(new RecordMissed(new TestReason.Retest(5, 5, 1), at(12, 20), at(12, 50), 0)), missed);
    }

    @Test
    void several_positives_in_a_row_ask_for_one_retest_after_the_latest() {
        positiveOnDemand(5, at(12, 0));
        positiveOnDemand(6, at(12, 5));
        positiveOnDemand(7, at(12, 10));
        assertEquals(new TestReason.Retest(7, 5, 1), schedule.reasonForTestAt(at(12, 30)));
        List<ScheduleCommand> out = tickThrough(schedule, at(12, 10), at(13, 30), Duration.ofMinutes(1));
        assertEquals(1, only(out, RetestDue.class).size());
        assertEquals(1, only(out, RecordMissed.class).size());
    }

    @Test
    void without_coalescing_a_new_positive_starts_a_new_chain_and_closes_the_old_retest_as_missed() {
        TestSchedule plain = new TestSchedule(new ScheduleRules(ScheduleFixtures.twiceDaily(), Duration.ofMinutes(60), false),
                ScheduleState.EMPTY);
        plain.tick(at(12, 0));
        plain.readingRecorded(5, new TestReason.OnDemand(), Outcome.FAIL, at(12, 0));
        List<ScheduleCommand> out = plain.readingRecorded(6, new TestReason.OnDemand(), Outcome.FAIL, at(12, 5));
        assertEquals(1, only(out, RecordMissed.class).size());
        assertEquals(new TestReason.Retest(6, 6, 1), plain.reasonForTestAt(at(12, 25)));
    }

    @Test
    void aborted_retest_attempts_keep_the_retest_open() {
        positiveOnDemand(5, at(12, 0));
        TestReason retest = schedule.reasonForTestAt(at(12, 21));
        schedule.readingRecorded(6, retest, Outcome.ABORTED, at(12, 21));
        assertEquals(retest, schedule.reasonForTestAt(at(12, 22)));
        List<RecordMissed> missed = only(tickThrough(schedule, at(12, 21), at(12, 51), Duration.ofMinutes(1)), RecordMissed.class);
        assertEquals(1, missed.get(0).abortedAttempts());
    }

    @Test
    void a_positive_in_a_slot_window_closes_the_window_and_starts_a_chain() {
        schedule.tick(at(7, 45));
        TestReason slot = schedule.reasonForTestAt(at(7, 50));
        schedule.readingRecorded(3, slot, Outcome.FAIL, at(7, 50));
        List<ScheduleCommand> out = tickThrough(schedule, at(7, 50), at(9, 0), Duration.ofMinutes(1));
        List<RecordMissed> missed = only(out, RecordMissed.class);
        assertEquals(1, missed.size());
        assertInstanceOf(TestReason.Retest.class, missed.get(0).reason());
    }

    @Test
    void with_retests_turned_off_a_positive_asks_for_nothing() {
        Schedule noRetest = new Schedule(ScheduleFixtures.HELSINKI, List.of(), List.of(30, 15), 20, 30, 0, 15);
        TestSchedule s = new TestSchedule(ScheduleRules.of(noRetest), ScheduleState.EMPTY);
        s.tick(at(12, 0));
        assertTrue(s.readingRecorded(1, new TestReason.OnDemand(), Outcome.FAIL, at(12, 0)).isEmpty());
    }

    @Test
    void a_pending_retest_survives_a_restart() {
        positiveOnDemand(5, at(12, 0));
        TestSchedule restarted = new TestSchedule(ScheduleFixtures.rules(), ScheduleState.decode(schedule.state().encode()));
        assertEquals(new TestReason.Retest(5, 5, 1), restarted.reasonForTestAt(at(12, 25)));
    }
}
