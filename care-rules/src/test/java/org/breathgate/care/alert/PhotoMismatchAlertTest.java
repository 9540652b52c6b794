package org.breathgate.care.alert;

import org.breathgate.care.access.Client;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.ClockFacts;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A review finding that a test's photo does not show the client raises an alert like a tamper signal. */
class PhotoMismatchAlertTest {

    private static final Client CLIENT = Client.open("client-a", "Parent A", "sa-north");
    private static final ConsentVersion CONSENT = ConsentVersion.first("consent-1", CLIENT.id(), "cp-1",
            Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"), EnumSet.allOf(Scope.class),
            "worker-sa", Instant.parse("2026-02-25T10:00:00Z"));
    private static final Instant TAKEN = Instant.parse("2026-03-10T06:02:11Z");
    private static final EventTime TIME = EventTime.of(new ClockFacts(TAKEN, "boot-1", 1000, true), TAKEN.plusSeconds(30));

    private final AlertEngine engine = new AlertEngine(ZoneId.of("Europe/Helsinki"));
    private final Map<String, Alert> store = new HashMap<>();
    private final CaseContext context = new CaseContext(CLIENT, AlertRules.defaults(), ConsentHistory.of(CLIENT.id(), List.of(CONSENT)));

    private List<AlertCommand> review(long seq) {
        List<AlertCommand> commands = engine.onPhotoMismatch("home-0001", seq, TIME, context, AlertLookup.of(store),
                TAKEN.plusSeconds(3600));
        commands.forEach(c -> store.put(c.alert().key(), c.alert()));
        return commands;
    }

    @Test
    void a_mismatch_raises_a_warning_for_the_substance_abuse_service_only_even_with_consent() {
        List<AlertCommand> commands = review(41);
        assertEquals(1, commands.size());
        Alert alert = assertInstanceOf(AlertCommand.Raise.class, commands.get(0)).alert();
        assertEquals(AlertKind.PHOTO_MISMATCH, alert.kind());
        assertEquals(Severity.WARNING, alert.severity());
        assertEquals("photo:home-0001:41", alert.key());
        assertEquals("sa-north", alert.audience().substanceAbuseOrganisationId());
        assertEquals(Set.of(), alert.audience().childProtectionUnitIds());
        assertEquals(List.of(41L), alert.evidence().stream().map(AlertEvidence::seq).toList());
        assertEquals(AlertEvidence.Role.PHOTO_MISMATCH, alert.evidence().get(0).role());
        assertTrue(alert.summary().contains("2026-03-10 08:02"), alert.summary());
        assertTrue(alert.summary().contains("does not match the client's reference photo"), alert.summary());
        assertEquals(TAKEN.plusSeconds(3600).plus(java.time.Duration.ofHours(24)), alert.escalateAt());
    }

    @Test
    void a_second_review_of_the_same_photo_raises_nothing_more_and_another_photo_its_own() {
        review(41);
        assertEquals(List.of(), review(41));
        assertEquals(1, review(42).size());
        assertEquals(Set.of("photo:home-0001:41", "photo:home-0001:42"), store.keySet());
    }

    @Test
    void the_rule_can_be_switched_off_and_is_on_by_default() {
        assertTrue(AlertRules.defaults().setting(AlertKind.PHOTO_MISMATCH).enabled());
        assertFalse(AlertRules.defaults().setting(AlertKind.PHOTO_MISMATCH).shareWithChildProtection());
        CaseContext off = new CaseContext(CLIENT, AlertRules.defaults().with(AlertKind.PHOTO_MISMATCH,
                AlertRules.defaults().setting(AlertKind.PHOTO_MISMATCH).withEnabled(false)), context.consents());
        assertEquals(List.of(), engine.onPhotoMismatch("home-0001", 41, TIME, off, AlertLookup.of(store), TAKEN));
    }
}
