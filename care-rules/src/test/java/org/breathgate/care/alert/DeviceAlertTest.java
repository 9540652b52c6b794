package org.breathgate.care.alert;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alerts about the device (issue 16): signed evidence the receiver could not keep, a doubted clock, evidence outside every
 * period. For the substance-abuse service and the technicians, never child protection, and never with a result.
 */
class DeviceAlertTest {

    private static final Client CLIENT = Client.open("client-a", "Parent A", "sa-north");
    private static final ConsentVersion CONSENT = ConsentVersion.first("consent-1", CLIENT.id(), "cp-1",
            Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"), EnumSet.allOf(Scope.class),
            "worker-sa", Instant.parse("2026-02-25T10:00:00Z"));
    private static final Instant RECEIVED = Events.T0.plusSeconds(30);

    private final AlertEngine engine = new AlertEngine(ZoneId.of("Europe/Helsinki"));
    private final Map<String, Alert> store = new HashMap<>();
    private final CaseContext context = new CaseContext(CLIENT, AlertRules.defaults(), ConsentHistory.of(CLIENT.id(), List.of(CONSENT)));

    private List<AlertCommand> kept(List<AlertCommand> commands) {
        commands.forEach(c -> store.put(c.alert().key(), c.alert()));
        return commands;
    }

    @Test
    void a_reused_sequence_number_raises_one_integrity_alert_for_the_service_and_the_technicians_not_child_protection() {
        List<AlertCommand> commands = kept(engine.onIntegrity(Events.DEVICE, "seq_reused", 12L, RECEIVED, context, AlertLookup.of(store),
                RECEIVED));
        Alert alert = assertInstanceOf(AlertCommand.Raise.class, commands.get(0)).alert();
        assertEquals(AlertKind.DEVICE_INTEGRITY, alert.kind());
        assertEquals("integrity:home-0001:seq_reused:12", alert.key());
        assertEquals(new Audience("sa-north", Set.of(), true), alert.audience());
        assertTrue(alert.summary().contains("number it had already used (number 12)"), alert.summary());
        assertEquals(List.of(), engine.onIntegrity(Events.DEVICE, "seq_reused", 12L, RECEIVED, context, AlertLookup.of(store), RECEIVED),
                "the same finding again raises nothing more");

        assertTrue(AlertEngine.mayReceive(alert, Actor.technician("tech-1"), context, RECEIVED).allowed());
        assertTrue(AlertEngine.mayReceive(alert, Actor.substanceAbuseWorker("w", "sa-north"), context, RECEIVED).allowed());
        assertFalse(AlertEngine.mayReceive(alert, Actor.childProtectionWorker("cp", "cp-1"), context, RECEIVED).allowed());
    }

    @Test
    void a_technician_is_not_sent_an_alert_about_results() {
        List<AlertCommand> positive = engine.onEvidence(Events.test(10, Events.T0, 300), RECEIVED, context, AlertLookup.of(store), RECEIVED);
        Alert alert = positive.get(0).alert();
        assertFalse(alert.audience().technicians());
        assertEquals(ReasonCode.DENIED_NOT_IN_AUDIENCE, AlertEngine.mayReceive(alert, Actor.technician("tech-1"), context, RECEIVED).code());
    }

    @Test
    void a_photo_that_is_not_the_one_its_reading_names_and_a_signed_event_not_kept_each_say_so() {
        Alert photo = kept(engine.onIntegrity(Events.DEVICE, "photo_hash_mismatch", 41L, RECEIVED, context, AlertLookup.of(store),
                RECEIVED)).get(0).alert();
        assertTrue(photo.summary().contains("not the photo the device recorded"), photo.summary());
        Alert other = kept(engine.onIntegrity(Events.DEVICE, "store_failed", null, RECEIVED, context, AlertLookup.of(store), RECEIVED))
                .get(0).alert();
        assertTrue(other.summary().contains("could not be kept as evidence (store failed"), other.summary());
        assertEquals(List.of(), other.evidence());
    }

    @Test
    void a_doubted_clock_raises_one_alert_per_boot() {
        Alert first = kept(engine.onClockDoubted(Events.test(10, Events.T0, 0), RECEIVED, "ahead: 21600 s", context, AlertLookup.of(store),
                RECEIVED)).get(0).alert();
        assertEquals(AlertKind.CLOCK_DOUBTED, first.kind());
        assertTrue(first.summary().contains("ahead: 21600 s"), first.summary());
        assertTrue(first.audience().technicians());
        assertEquals(List.of(), engine.onClockDoubted(Events.test(11, Events.T0.plusSeconds(60), 0), RECEIVED, "ahead", context,
                AlertLookup.of(store), RECEIVED), "the same boot: no second alert");
    }

    @Test
    void evidence_outside_every_period_is_gathered_in_one_alert_a_day() {
        Alert one = kept(engine.onUnassignedEvidence(Events.test(10, Events.T0, 0), RECEIVED, Events.T0, context, AlertLookup.of(store),
                RECEIVED)).get(0).alert();
        assertEquals(AlertKind.UNASSIGNED_EVIDENCE, one.kind());
        List<AlertCommand> second = kept(engine.onUnassignedEvidence(Events.test(11, Events.T0, 0), RECEIVED.plusSeconds(60), Events.T0,
                context, AlertLookup.of(store), RECEIVED.plusSeconds(60)));
        AlertCommand.Update update = assertInstanceOf(AlertCommand.Update.class, second.get(0));
        assertEquals(List.of(10L, 11L), update.alert().evidence().stream().map(AlertEvidence::seq).toList());
        assertFalse(update.deliverAgain(), "the inbox shows the addition; nobody is mailed twice");
        Alert nextDay = kept(engine.onUnassignedEvidence(Events.test(12, Events.T0, 0), RECEIVED.plus(Duration.ofDays(1)), Events.T0,
                context, AlertLookup.of(store), RECEIVED.plus(Duration.ofDays(1)))).get(0).alert();
        assertTrue(!nextDay.key().equals(one.key()));
    }

    @Test
    void an_alert_about_the_device_cannot_be_configured_to_reach_child_protection() {
        AlertRules defaults = AlertRules.defaults();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> defaults.with(AlertKind.DEVICE_INTEGRITY, new RuleSetting(true, true, null)));
    }
}
