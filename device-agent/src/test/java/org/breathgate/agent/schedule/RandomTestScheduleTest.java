package org.breathgate.agent.schedule;

import static org.breathgate.agent.schedule.ScheduleFixtures.HELSINKI;
import static org.breathgate.agent.schedule.ScheduleFixtures.at;
import static org.breathgate.agent.schedule.ScheduleFixtures.only;
import static org.breathgate.agent.schedule.ScheduleFixtures.tickThrough;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.breathgate.agent.schedule.ScheduleCommand.RecordMissed;
import org.breathgate.agent.schedule.ScheduleCommand.WindowOpened;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

/** Random tests drawn on the device with its own secret, and a worker's "test now" request. */
class RandomTestScheduleTest {

    /** 08:00 and 20:00, and two random tests a day between 09:00 and 21:00, 30-minute windows. */
    private static ScheduleRules rules() {
        return ScheduleRules.of(ScheduleFixtures.twiceDaily().withRandom(new Schedule.RandomTests(2, LocalTime.of(9, 0), LocalTime.of(21, 0), 30)));
    }

    private static TestSchedule fresh() {
        return new TestSchedule(rules(), ScheduleState.EMPTY, new SecureRandom());
    }

    @Test
    void each_day_gets_its_random_windows_inside_the_hours_apart_from_the_slots_and_each_other() {
        TestSchedule s = fresh();
        for (int day = 0; day < 60; day++) {
            List<Integer> minutes = s.randomMinutes(LocalDate.of(2026, 3, 1).plusDays(day).toString());
            assertEquals(2, minutes.size(), "per_day tests every day");
            for (int m : minutes) {
                assertTrue(m >= 9 * 60 && m + 30 <= 21 * 60, "inside 09:00-21:00: " + m);
                assertFalse(m < 20 * 60 + 30 && 19 * 60 + 30 < m + 30, "clear of the 20:00 slot's window: " + m);
            }
            assertTrue(minutes.get(1) >= minutes.get(0) + 30, "no two random windows overlap: " + minutes);
        }
    }

    @Test
    void the_same_configuration_on_two_devices_draws_different_times_so_the_configuration_alone_does_not_tell_them() {
        TestSchedule a = fresh();
        TestSchedule b = fresh();
        int differentDays = 0;
        for (int day = 0; day < 30; day++) {
            String d = LocalDate.of(2026, 3, 1).plusDays(day).toString();
            if (!a.randomMinutes(d).equals(b.randomMinutes(d))) {
                differentDays++;
            }
        }
        // Two independent 256-bit secrets drawing 2 of ~690 start minutes a day agree on a whole day with odds far below 1e-4.
        assertTrue(differentDays >= 29, "days drawn alike on two devices with the same configuration: " + (30 - differentDays));
        assertNotEquals(a.state().randomSecret(), b.state().randomSecret());
        assertEquals(64, a.state().randomSecret().length(), "a 256-bit secret, made on the device");
    }

    @Test
    void a_restart_draws_the_same_times_from_the_stored_secret() {
        TestSchedule before = fresh();
        ScheduleState stored = ScheduleState.decode(before.state().encode());
        TestSchedule after = new TestSchedule(rules(), stored, new SecureRandom());
        for (int day = 0; day < 10; day++) {
            String d = LocalDate.of(2026, 3, 1).plusDays(day).toString();
            assertEquals(before.randomMinutes(d), after.randomMinutes(d));
        }
    }

    @Test
    void a_random_test_is_announced_only_when_its_window_opens_and_missed_like_any_other() {
        TestSchedule s = fresh();
        List<Integer> minutes = s.randomMinutes("2026-03-02");
        Instant first = at(minutes.get(0) / 60, minutes.get(0) % 60);
        s.tick(at(8, 40));
        List<ScheduleCommand> before = tickThrough(s, at(8, 40), first.minusSeconds(60), Duration.ofMinutes(1));
        assertTrue(only(before, WindowOpened.class).stream().noneMatch(w -> w.reason() instanceof TestReason.Random),
                "nothing said of a random test before its window");
        List<ScheduleCommand> opening = s.tick(first);
        WindowOpened opened = only(opening, WindowOpened.class).get(0);
        assertEquals(new TestReason.Random(first), opened.reason());
        assertEquals(new TestReason.Random(first), s.reasonForTestAt(first.plusSeconds(60)));
        List<ScheduleCommand> after = tickThrough(s, first, first.plus(Duration.ofMinutes(31)), Duration.ofMinutes(1));
        RecordMissed missed = only(after, RecordMissed.class).get(0);
        assertEquals(new TestReason.Random(first), missed.reason());
        assertEquals(first.plus(Duration.ofMinutes(30)), missed.closed());
        assertEquals(new TestReason.OnDemand(), s.reasonForTestAt(first.plus(Duration.ofMinutes(40))), "no late test for a random one");
    }

    @Test
    void a_valid_test_in_a_random_window_closes_it() {
        TestSchedule s = fresh();
        List<Integer> minutes = s.randomMinutes("2026-03-02");
        Instant first = at(minutes.get(0) / 60, minutes.get(0) % 60);
        s.tick(first.minusSeconds(60));
        s.tick(first);
        s.readingRecorded(5, new TestReason.Random(first), Outcome.PASS, first.plusSeconds(120));
        List<ScheduleCommand> after = tickThrough(s, first, first.plus(Duration.ofMinutes(31)), Duration.ofMinutes(1));
        assertTrue(only(after, RecordMissed.class).isEmpty(), "tested: not missed");
    }

    @Test
    void a_request_opens_a_window_at_once_once_and_not_after_its_time() {
        TestSchedule s = fresh();
        Instant now = at(11, 0);
        s.tick(now);
        List<ScheduleCommand> opened = s.requestTest(3, now.plus(Duration.ofMinutes(30)), now);
        assertEquals(List.of(new WindowOpened(new TestReason.Requested(3), now.plus(Duration.ofMinutes(30)))), opened);
        assertEquals(List.of(), s.requestTest(3, now.plus(Duration.ofMinutes(30)), now.plusSeconds(5)), "acted on once");
        assertEquals(List.of(), s.requestTest(2, now.plus(Duration.ofMinutes(30)), now.plusSeconds(5)), "an older request is not replayed");
        assertEquals(new TestReason.Requested(3), s.reasonForTestAt(now.plusSeconds(60)));
        assertEquals(List.of(), s.requestTest(4, now.minusSeconds(1), now), "its time has passed");
        assertEquals(4, s.state().lastRequest());
    }

    @Test
    void a_request_answered_closes_and_one_not_answered_is_a_missed_test() {
        TestSchedule s = fresh();
        Instant now = at(11, 0);
        s.tick(now);
        s.requestTest(1, now.plus(Duration.ofMinutes(30)), now);
        s.readingRecorded(7, new TestReason.Requested(1), Outcome.PASS, now.plusSeconds(300));
        assertNull(s.state().request());
        s.requestTest(2, now.plus(Duration.ofMinutes(60)), now.plus(Duration.ofMinutes(30)));
        ScheduleState stored = ScheduleState.decode(s.state().encode());
        assertEquals(2, stored.request().request(), "the open request survives a restart");
        TestSchedule restarted = new TestSchedule(rules(), stored, new SecureRandom());
        List<ScheduleCommand> after = tickThrough(restarted, now.plus(Duration.ofMinutes(30)), now.plus(Duration.ofMinutes(61)),
                Duration.ofMinutes(1));
        List<RecordMissed> missed = only(after, RecordMissed.class).stream().filter(m -> m.reason() instanceof TestReason.Requested).toList();
        assertEquals(1, missed.size());
        assertEquals(new TestReason.Requested(2), missed.get(0).reason());
        assertInstanceOf(TestReason.Requested.class, missed.get(0).reason());
    }

    @Test
    void without_random_tests_the_schedule_draws_none() {
        TestSchedule s = new TestSchedule(ScheduleFixtures.rules(), ScheduleState.EMPTY);
        assertEquals(List.of(), s.randomMinutes("2026-03-02"));
        Set<Instant> slots = new HashSet<>();
        List<ScheduleCommand> day = new ArrayList<>(tickThrough(s, at(0, 0), at(23, 59), Duration.ofMinutes(5)));
        only(day, WindowOpened.class).forEach(w -> slots.add(((TestReason.Scheduled) w.reason()).slot()));
        assertEquals(Set.of(at(8, 0), at(20, 0)), slots);
        assertTrue(HELSINKI.getId().length() > 0);
    }
}
