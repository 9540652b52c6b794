package org.breathgate.receiver.care;

import static org.breathgate.receiver.care.CareFixture.SA;
import static org.breathgate.receiver.care.CareFixture.SA_OTHER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.alert.AlertKeys;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.TimelineView;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The parent's own word on SQLite and PostgreSQL, through the gate: explanations beside the signed events (which stay as
 * signed), added and never overwritten, written by the parent only; planned absences announced by the parent and decided
 * once by their service's worker; only an accepted one marks a missed test, and no alert changes. Every write audited.
 */
class ParentWordIT extends OnBothDatabases {

    private static final Actor PARENT = Actor.parent("parent-a", "client-a");
    private static final Actor OTHER_PARENT = Actor.parent("parent-b", "client-b");
    private static final Instant YEAR_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant YEAR_END = Instant.parse("2027-01-01T00:00:00Z");

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_parents_explanations_stand_beside_the_signed_event_and_are_never_overwritten(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            SampleMessages at = f.home.at(Instant.parse("2026-03-09T06:00:00Z"));
            SignedMessage signed = at.sign(at.positiveReading(1));
            f.clock.set(Instant.parse("2026-03-09T06:00:05Z"));
            f.ingest(signed, Instant.parse("2026-03-09T06:00:05Z"));

            Explanation first = f.care.word().explain(PARENT, "home-0001", 1, Explanation.Choice.MOUTHWASH, "Gargled at 5.55");
            f.clock.set(Instant.parse("2026-03-09T07:00:00Z"));
            Explanation second = f.care.word().explain(PARENT, "home-0001", 1, Explanation.Choice.OTHER, "And a cough syrup");
            assertEquals(List.of(1, 2), List.of(first.n(), second.n()));

            assertEquals(signed.compact(), f.reader.event("home-0001", 1).orElseThrow().compact(), "the evidence is untouched");
            TimelineEntry entry = f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END).entries().get(0);
            assertEquals(List.of(first, second), entry.explanations());
            assertEquals(List.of(first, second), f.care.word().event(PARENT, "home-0001", 1).explanations());

            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.word().explain(SA, "home-0001", 1, Explanation.Choice.MEDICINE, null)),
                    "nobody writes the parent's word for them");
            assertEquals(ReasonCode.DENIED_NOT_OWN_DATA,
                    refusal(() -> f.care.word().explain(OTHER_PARENT, "home-0001", 1, Explanation.Choice.MEDICINE, null)));
            assertThrows(IllegalArgumentException.class,
                    () -> f.care.word().explain(PARENT, "home-0001", 99, Explanation.Choice.MEDICINE, null));
            com.fasterxml.jackson.databind.JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(f.care.export().export(PARENT, "client-a")).get("events").get(0);
            assertEquals("mouthwash", event.get("explanations").get(0).get("choice").asText(), event.toString());
            assertEquals("Gargled at 5.55", event.get("explanations").get(0).get("text").asText());
            assertEquals(2, event.get("explanations").size(), "the parent's right of access covers their word");
            assertEquals(2, f.auditCount("explanation.added"));
            assertEquals(2, f.auditCount("access.denied"));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void only_an_accepted_absence_marks_a_missed_test_and_no_alert_changes(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            f.clock.set(Instant.parse("2026-03-05T10:00:00Z"));
            PlannedAbsence announced = f.care.word().announce(PARENT, Instant.parse("2026-03-07T22:00:00Z"),
                    Instant.parse("2026-03-10T22:00:00Z"), PlannedAbsence.Kind.HOSPITAL_STAY, "Knee operation");
            assertTrue(announced.pending());
            assertThrows(IllegalArgumentException.class, () -> f.care.word().announce(PARENT, Instant.parse("2026-03-01T00:00:00Z"),
                    Instant.parse("2026-03-02T00:00:00Z"), PlannedAbsence.Kind.TRIP, null), "an absence that has ended is not announced");

            SampleMessages at = f.home.at(Instant.parse("2026-03-09T06:30:00Z"));
            f.clock.set(Instant.parse("2026-03-09T06:30:05Z"));
            f.ingest(at.sign(at.missedTest(7)), Instant.parse("2026-03-09T06:30:05Z"));
            String alert = AlertKeys.missedTest("home-0001", 7);

            TimelineView pending = f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END);
            assertNull(pending.entries().get(0).absence(), "a pending absence marks nothing");
            assertEquals(List.of(announced.id()), pending.word().absences().stream().map(PlannedAbsence::id).toList());
            assertTrue(pending.word().mayDecide());

            assertEquals(ReasonCode.DENIED_OTHER_ORGANISATION,
                    refusal(() -> f.care.word().decide(SA_OTHER, announced.id(), true, null)));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.word().decide(PARENT, announced.id(), true, null)),
                    "the parent does not accept their own absence");
            PlannedAbsence accepted = f.care.word().decide(SA, announced.id(), true, "Get well soon");
            assertEquals(PlannedAbsence.Status.ACCEPTED, accepted.status());
            assertThrows(IllegalStateException.class, () -> f.care.word().decide(SA, announced.id(), false, "no"), "decided once");

            TimelineView after = f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END);
            assertEquals(announced.id(), after.entries().get(0).absence().id());
            assertEquals(AlertStatus.OPEN, f.database.read(c -> AlertStore.find(c, alert)).orElseThrow().status(),
                    "an accepted absence changes no alert");
            List<PlannedAbsence> mine = f.care.word().ofParent(PARENT);
            assertEquals(List.of("Get well soon"), mine.stream().map(PlannedAbsence::decisionNote).toList());
            com.fasterxml.jackson.databind.JsonNode absence = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(f.care.export().export(PARENT, "client-a")).get("plannedAbsences").get(0);
            assertEquals(announced.id(), absence.get("id").asText(), absence.toString());
            assertEquals("Knee operation", absence.get("text").asText());
            assertEquals("accepted", absence.get("status").asText());
            assertEquals(1, f.auditCount("absence.announced"));
            assertEquals(1, f.auditCount("absence.accepted"));
        }
    }
}
