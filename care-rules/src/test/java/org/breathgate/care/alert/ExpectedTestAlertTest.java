package org.breathgate.care.alert;

import org.breathgate.care.access.Client;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver's own expectations: a scheduled test that never arrived, and a consent about to end. */
class ExpectedTestAlertTest {

    private static final Client CLIENT = Client.open("client-a", "Parent A", "sa-north");
    private static final ConsentVersion CONSENT = ConsentVersion.first("consent-1", CLIENT.id(), "cp-1",
            Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"), EnumSet.allOf(Scope.class),
            "worker-sa", Instant.parse("2026-02-25T10:00:00Z"));
    private static final Instant SLOT = Instant.parse("2026-03-10T06:00:00Z");
    private static final Instant OPENS = SLOT.minus(Duration.ofMinutes(30));
    private static final Instant CLOSES = SLOT.plus(Duration.ofMinutes(30));

    private final AlertEngine engine = new AlertEngine(ZoneId.of("Europe/Helsinki"));
    private final Map<String, Alert> store = new HashMap<>();
    private final CaseContext context = new CaseContext(CLIENT, AlertRules.defaults(), ConsentHistory.of(CLIENT.id(), List.of(CONSENT)));

    private List<AlertCommand> stored(List<AlertCommand> commands) {
        commands.forEach(c -> store.put(c.alert().key(), c.alert()));
        return commands;
    }

    @Test
    void a_test_not_received_raises_one_warning_for_the_substance_abuse_service_only_even_with_consent() {
        Instant now = CLOSES.plus(Duration.ofMinutes(90));
        Alert alert = assertInstanceOf(AlertCommand.Raise.class,
                stored(engine.onExpectedTestMissing("home-0001", SLOT, OPENS, CLOSES, context, AlertLookup.of(store), now)).get(0)).alert();
        assertEquals(AlertKind.EXPECTED_TEST_MISSING, alert.kind());
        assertEquals(Severity.WARNING, alert.severity());
        assertEquals(Set.of(), alert.audience().childProtectionUnitIds(), "not confirmed evidence: not for child protection");
        assertTrue(alert.summary().contains("2026-03-10 08:00"), alert.summary());
        assertEquals(List.of(), engine.onExpectedTestMissing("home-0001", SLOT, OPENS, CLOSES, context, AlertLookup.of(store), now),
                "one alert per slot");
    }

    @Test
    void the_devices_record_of_the_slot_arriving_later_resolves_it() {
        Instant now = CLOSES.plus(Duration.ofMinutes(90));
        stored(engine.onExpectedTestMissing("home-0001", SLOT, OPENS, CLOSES, context, AlertLookup.of(store), now));
        MissedTest missed = new MissedTest("home-0001", 7, new ClockFacts(CLOSES, "boot-1", 1, true),
                new TestReason.Scheduled(SLOT, false), OPENS, CLOSES, 0);
        Alert resolved = stored(engine.onExpectedTestArrived("home-0001", SLOT, missed, now.plusSeconds(600), AlertLookup.of(store)))
                .get(0).alert();
        assertEquals(AlertStatus.RESOLVED, resolved.status());
        assertNull(resolved.escalateAt());
        assertEquals(List.of(), engine.onExpectedTestArrived("home-0001", SLOT, missed, now.plusSeconds(900), AlertLookup.of(store)));
    }

    @Test
    void a_requested_test_not_received_has_its_own_alert_which_a_slot_closing_at_the_same_second_neither_hides_nor_resolves() {
        // Request 3 asked at 06:30, open until 07:00: the same instant a slot could be named by.
        Instant asked = Instant.parse("2026-03-10T06:30:00Z");
        Instant until = Instant.parse("2026-03-10T07:00:00Z");
        Instant now = until.plus(Duration.ofMinutes(90));
        stored(engine.onExpectedTestMissing("home-0001", until, until.minus(Duration.ofMinutes(30)), until.plus(Duration.ofMinutes(30)),
                context, AlertLookup.of(store), now));
        Alert alert = assertInstanceOf(AlertCommand.Raise.class,
                stored(engine.onRequestedTestMissing("home-0001", 3, asked, until, context, AlertLookup.of(store), now)).get(0)).alert();
        assertEquals(AlertKeys.requestedTest("home-0001", 3), alert.key());
        assertEquals(AlertKind.EXPECTED_TEST_MISSING, alert.kind());
        assertEquals(asked, alert.eventTime().earliest(), "the window is from the request to its until");
        assertTrue(alert.summary().contains("request 3"), alert.summary());
        assertEquals(List.of(), engine.onRequestedTestMissing("home-0001", 3, asked, until, context, AlertLookup.of(store), now),
                "one alert per request");
        MissedTest answered = new MissedTest("home-0001", 9, new ClockFacts(until, "boot-1", 1, true), new TestReason.Requested(3),
                asked, until, 0);
        stored(engine.onExpectedTestArrived("home-0001", until, answered, now.plusSeconds(60), AlertLookup.of(store)));
        assertEquals(AlertStatus.OPEN, store.get(AlertKeys.requestedTest("home-0001", 3)).status(), "the slot's record is not the request's");
        stored(engine.onRequestedTestArrived("home-0001", 3, answered, now.plusSeconds(120), AlertLookup.of(store)));
        assertEquals(AlertStatus.RESOLVED, store.get(AlertKeys.requestedTest("home-0001", 3)).status());
    }

    @Test
    void a_consent_about_to_end_is_information_for_the_service_never_escalated() {
        Instant now = Instant.parse("2026-05-18T06:00:00Z");
        Alert alert = stored(engine.onConsentExpiring("home-0001", "consent-1", "Unit 1", CONSENT.validUntil(), context,
                AlertLookup.of(store), now)).get(0).alert();
        assertEquals(AlertKind.CONSENT_EXPIRING, alert.kind());
        assertEquals(Severity.INFO, alert.severity());
        assertNull(alert.escalateAt());
        assertEquals(Set.of(), alert.audience().childProtectionUnitIds());
        assertTrue(alert.summary().contains("ends after 2026-06-01"), alert.summary());
    }
}
