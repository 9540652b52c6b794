package org.breathgate.receiver.care.timeline;

import org.breathgate.care.alert.Excuse;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WeeklyComplianceTest {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private final SampleMessages home = SampleMessages.of("home-0001");

    private TimelineEntry item(EvidenceEvent e, Excuse excuse) {
        return TestTimelines.entry(e, "x.y.z", e.clock().wall(), excuse, null, java.util.Set.of());
    }

    private Reading scheduled(Instant at, long seq, Outcome outcome, boolean late) {
        Reading r = home.at(at).soberReading(seq);
        return new Reading(r.deviceId(), seq, r.clock(), new TestReason.Scheduled(at, late), outcome,
                outcome == Outcome.FAIL ? SampleMessages.POSITIVE_VALUE : outcome == Outcome.ABORTED ? null : r.breathAlcohol(),
                r.threshold(), outcome == Outcome.ABORTED ? org.breathgate.protocol.AbortReason.BLOW_TOO_SHORT : null, 4_000, 210, r.sensor());
    }

    private MissedTest missed(Instant slot, long seq) {
        MissedTest m = home.at(slot.plusSeconds(1800)).missedTest(seq);
        return new MissedTest(m.deviceId(), seq, m.clock(), new TestReason.Scheduled(slot, false), m.windowOpened(), m.windowClosed(), 0);
    }

    @Test
    void counts_slots_once_per_iso_week_in_local_time() {
        List<TimelineEntry> items = new ArrayList<>();
        // Week 10 of 2026 (Mon 2 March - Sun 8 March, Helsinki): 3 slots taken (one late, one positive with a retest), one
        // slot with an aborted try then a valid test, one missed and excused, one missed.
        items.add(item(scheduled(Instant.parse("2026-03-02T06:00:00Z"), 1, Outcome.PASS, false), null));
        items.add(item(scheduled(Instant.parse("2026-03-03T06:00:00Z"), 2, Outcome.FAIL, false), null));
        Reading retestTemplate = home.at(Instant.parse("2026-03-03T06:21:00Z")).positiveReading(3);
        items.add(item(new Reading("home-0001", 3, retestTemplate.clock(), new TestReason.Retest(2, 2, 1), Outcome.FAIL,
                SampleMessages.POSITIVE_VALUE, SampleMessages.THRESHOLD, null, 4_000, 210, retestTemplate.sensor()), null));
        items.add(item(scheduled(Instant.parse("2026-03-04T06:00:00Z"), 4, Outcome.ABORTED, false), null));
        items.add(item(scheduled(Instant.parse("2026-03-04T06:00:00Z"), 5, Outcome.PASS, true), null));
        MissedTest excused = missed(Instant.parse("2026-03-05T06:00:00Z"), 6);
        items.add(item(excused, new Excuse("home-0001", 6, "worker-sa", "In hospital", Instant.parse("2026-03-06T10:00:00Z"))));
        items.add(item(missed(Instant.parse("2026-03-06T06:00:00Z"), 7), null));
        // Sunday 8 March 23:30 Helsinki is still week 10; Monday 00:30 Helsinki (Sunday 22:30 UTC) is week 11.
        items.add(item(scheduled(Instant.parse("2026-03-08T21:30:00Z"), 8, Outcome.PASS, false), null));
        items.add(item(scheduled(Instant.parse("2026-03-08T22:30:00Z"), 9, Outcome.PASS, false), null));

        List<WeeklyCompliance.Week> weeks = WeeklyCompliance.of(items, HELSINKI);
        assertEquals(2, weeks.size());
        WeeklyCompliance.Week w10 = weeks.get(0);
        assertEquals("2026-W10", w10.label());
        assertEquals(LocalDate.of(2026, 3, 2), w10.monday());
        assertEquals(6, w10.scheduled());
        assertEquals(4, w10.taken());
        assertEquals(1, w10.late());
        assertEquals(2, w10.missed());
        assertEquals(1, w10.excused());
        assertEquals(1, w10.positives(), "a positive and its failed retest are one positive");
        assertEquals(66, w10.percentTaken());
        assertEquals("2026-W11", weeks.get(1).label());
        assertEquals(1, weeks.get(1).taken());
    }

    @Test
    void a_slot_missed_in_its_window_and_tested_late_counts_as_missed_and_its_excuse_as_excused() {
        // What a newcomer saw in the demo: the timeline shows the missed test (excused), the week said 0 missed, 0 excused.
        Instant slot = Instant.parse("2026-03-05T06:00:00Z");
        MissedTest missed = missed(slot, 1);
        List<TimelineEntry> items = List.of(
                item(missed, new Excuse("home-0001", 1, "worker-sa", "Bus was late", Instant.parse("2026-03-05T09:00:00Z"))),
                item(scheduled(slot, 2, Outcome.PASS, true), null));
        WeeklyCompliance.Week week = WeeklyCompliance.of(items, HELSINKI).get(0);
        assertEquals(1, week.scheduled());
        assertEquals(1, week.taken());
        assertEquals(1, week.late());
        assertEquals(1, week.missed());
        assertEquals(1, week.excused());
    }

    @Test
    void a_missed_retest_is_a_missed_test_of_its_week() {
        Reading first = scheduled(Instant.parse("2026-03-03T06:00:00Z"), 1, Outcome.FAIL, false);
        MissedTest template = home.at(Instant.parse("2026-03-03T06:50:00Z")).missedTest(2);
        MissedTest missedRetest = new MissedTest("home-0001", 2, template.clock(), new TestReason.Retest(1, 1, 1),
                Instant.parse("2026-03-03T06:20:00Z"), Instant.parse("2026-03-03T06:50:00Z"), 0);
        WeeklyCompliance.Week week = WeeklyCompliance.of(List.of(item(first, null), item(missedRetest, null)), HELSINKI).get(0);
        assertEquals(1, week.missed(), "the timeline shows a missed retest, so the week counts it");
        assertEquals(1, week.positives());
    }

    @Test
    void random_and_requested_tests_are_expected_tests_taken_or_missed_and_an_own_test_is_not() {
        Instant drawn = Instant.parse("2026-03-03T11:17:00Z");
        Reading randomTaken = scheduled(drawn, 1, Outcome.PASS, false);
        randomTaken = new Reading("home-0001", 1, randomTaken.clock(), new TestReason.Random(drawn), Outcome.PASS,
                randomTaken.breathAlcohol(), randomTaken.threshold(), null, 4_000, 210, randomTaken.sensor());
        MissedTest template = home.at(Instant.parse("2026-03-04T15:00:00Z")).missedTest(2);
        MissedTest randomMissed = new MissedTest("home-0001", 2, template.clock(), new TestReason.Random(Instant.parse("2026-03-04T14:30:00Z")),
                Instant.parse("2026-03-04T14:30:00Z"), Instant.parse("2026-03-04T15:00:00Z"), 0);
        Reading requested = scheduled(Instant.parse("2026-03-05T10:05:00Z"), 3, Outcome.PASS, false);
        requested = new Reading("home-0001", 3, requested.clock(), new TestReason.Requested(1), Outcome.PASS,
                requested.breathAlcohol(), requested.threshold(), null, 4_000, 210, requested.sensor());
        MissedTest requestMissed = new MissedTest("home-0001", 4, home.at(Instant.parse("2026-03-06T10:30:00Z")).missedTest(4).clock(),
                new TestReason.Requested(2), Instant.parse("2026-03-06T10:00:00Z"), Instant.parse("2026-03-06T10:30:00Z"), 0);
        Reading sober = home.at(Instant.parse("2026-03-06T18:00:00Z")).soberReading(5);
        Reading own = new Reading("home-0001", 5, sober.clock(), new TestReason.OnDemand(), Outcome.PASS, sober.breathAlcohol(),
                sober.threshold(), null, 4_000, 210, sober.sensor());
        WeeklyCompliance.Week week = WeeklyCompliance.of(List.of(item(randomTaken, null), item(randomMissed, null), item(requested, null),
                item(requestMissed, null), item(own, null)), HELSINKI).get(0);
        assertEquals(4, week.scheduled(), "two random tests and two requested ones were expected; the parent's own test was not");
        assertEquals(2, week.taken());
        assertEquals(2, week.missed());
        assertEquals(0, week.late());
    }

    @Test
    void no_items_no_weeks() {
        assertEquals(List.of(), WeeklyCompliance.of(List.of(), HELSINKI));
    }
}
