package org.breathgate.care.word;

import org.breathgate.care.consent.EventTime;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannedAbsenceTest {

    static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");
    static final Instant FROM = Instant.parse("2026-03-12T00:00:00Z");
    static final Instant TO = Instant.parse("2026-03-15T00:00:00Z");
    static final EventTime INSIDE = EventTime.exact(Instant.parse("2026-03-13T08:00:00Z"));

    static PlannedAbsence announced() {
        return PlannedAbsence.announce("abs-1", "client-a", FROM, TO, PlannedAbsence.Kind.HOSPITAL_STAY, "knee surgery",
                "parent-a", NOW);
    }

    @Test
    void an_announced_absence_waits_for_a_decision_and_covers_nothing() {
        PlannedAbsence a = announced();
        assertTrue(a.pending());
        assertFalse(a.covers(INSIDE));
        assertEquals(List.of(), Absences.covering(List.of(a), INSIDE).stream().toList());
    }

    @Test
    void a_declined_absence_covers_nothing() {
        PlannedAbsence declined = announced().decide(false, "worker-sa", "please test at the ward", NOW.plusSeconds(60));
        assertEquals(PlannedAbsence.Status.DECLINED, declined.status());
        assertFalse(declined.covers(INSIDE));
    }

    @Test
    void an_accepted_absence_covers_a_test_inside_it_and_not_one_outside() {
        PlannedAbsence accepted = announced().decide(true, "worker-sa", null, NOW.plusSeconds(60));
        assertTrue(accepted.covers(INSIDE));
        assertFalse(accepted.covers(EventTime.exact(TO)), "the end is exclusive");
        assertTrue(accepted.covers(EventTime.exact(FROM)));
        assertFalse(accepted.covers(EventTime.exact(FROM.minusMillis(1))));
        assertEquals(accepted, Absences.covering(List.of(announced(), accepted), INSIDE).orElseThrow());
    }

    @Test
    void a_test_whose_uncertain_time_reaches_outside_the_absence_is_not_covered() {
        PlannedAbsence accepted = announced().decide(true, "worker-sa", null, NOW);
        EventTime uncertain = new EventTime(FROM.minusSeconds(3600), Instant.parse("2026-03-13T08:00:00Z"));
        assertFalse(accepted.covers(uncertain));
    }

    @Test
    void a_decision_is_made_once_and_never_overwritten() {
        PlannedAbsence accepted = announced().decide(true, "worker-sa", "ok", NOW);
        assertThrows(IllegalStateException.class, () -> accepted.decide(false, "worker-sa2", "no", NOW));
    }

    @Test
    void an_absence_that_has_ended_or_runs_backwards_or_is_too_long_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> PlannedAbsence.announce("abs-2", "client-a", NOW.minusSeconds(7200),
                NOW.minusSeconds(3600), PlannedAbsence.Kind.TRIP, null, "parent-a", NOW));
        assertThrows(IllegalArgumentException.class, () -> PlannedAbsence.announce("abs-2", "client-a", TO, FROM,
                PlannedAbsence.Kind.TRIP, null, "parent-a", NOW));
        assertThrows(IllegalArgumentException.class, () -> PlannedAbsence.announce("abs-2", "client-a", FROM,
                FROM.plus(PlannedAbsence.LONGEST).plusSeconds(1), PlannedAbsence.Kind.TRIP, null, "parent-a", NOW));
    }

    @Test
    void the_parents_text_is_limited_in_length() {
        String tooLong = "x".repeat(Explanation.MAX_TEXT + 1);
        assertThrows(IllegalArgumentException.class, () -> PlannedAbsence.announce("abs-3", "client-a", FROM, TO,
                PlannedAbsence.Kind.OTHER, tooLong, "parent-a", NOW));
    }

    @Test
    void without_text_drops_the_parents_words_and_the_decision_note_only() {
        PlannedAbsence a = announced().decide(true, "worker-sa", "note", NOW).withoutText();
        assertEquals(null, a.text());
        assertEquals(null, a.decisionNote());
        assertTrue(a.covers(INSIDE));
    }
}
