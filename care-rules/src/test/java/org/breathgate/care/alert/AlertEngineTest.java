package org.breathgate.care.alert;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.breathgate.care.alert.Events.DEVICE;
import static org.breathgate.care.alert.Events.minutes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertEngineTest {

    static final Client CLIENT = Client.open("client-a", "Parent A", "sa-north");
    static final ConsentVersion CONSENT = ConsentVersion.first("consent-1", CLIENT.id(), "cp-1",
            Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z"), EnumSet.allOf(Scope.class),
            "worker-sa", Instant.parse("2026-02-25T10:00:00Z"));
    static final Actor SA = Actor.substanceAbuseWorker("worker-sa", "sa-north");
    static final Actor CP1 = Actor.childProtectionWorker("worker-cp1", "cp-1");

    private final AlertEngine engine = new AlertEngine(ZoneId.of("Europe/Helsinki"));
    private final Map<String, Alert> store = new HashMap<>();
    private CaseContext context = new CaseContext(CLIENT, AlertRules.defaults(), ConsentHistory.of(CLIENT.id(), List.of(CONSENT)));

    /** Feeds an event received a minute after it happened, "now" being the receipt, and stores the outcome. */
    private List<AlertCommand> feed(EvidenceEvent event) {
        Instant received = event.clock().wall().plusSeconds(60);
        return apply(engine.onEvidence(event, received, context, AlertLookup.of(store), received));
    }

    private List<AlertCommand> apply(List<AlertCommand> commands) {
        commands.forEach(c -> store.put(c.alert().key(), c.alert()));
        return commands;
    }

    private Alert only() {
        assertEquals(1, store.size(), () -> "alerts: " + store.keySet());
        return store.values().iterator().next();
    }

    private void withoutConsent() {
        context = new CaseContext(CLIENT, AlertRules.defaults(), ConsentHistory.empty(CLIENT.id()));
    }

    // --- confirmed positive and single results: one chain, one alert ---

    @Test
    void a_sober_test_raises_nothing() {
        assertEquals(List.of(), feed(Events.test(1, minutes(0), 0)));
        assertTrue(store.isEmpty());
    }

    @Test
    void a_positive_raises_an_over_threshold_alert_for_the_substance_abuse_service_only() {
        List<AlertCommand> commands = feed(Events.test(41, minutes(0), 250));
        Alert alert = assertInstanceOf(AlertCommand.Raise.class, commands.get(0)).alert();
        assertEquals(AlertKeys.chain(DEVICE, 41), alert.key());
        assertEquals(AlertKind.OVER_THRESHOLD, alert.kind());
        assertEquals(Severity.WARNING, alert.severity());
        assertEquals(Set.of(), alert.audience().childProtectionUnitIds());
    }

    @Test
    void a_failed_retest_confirms_the_chain_in_the_same_alert_and_delivers_it_again() {
        feed(Events.test(41, minutes(0), 250));
        List<AlertCommand> commands = feed(Events.retest(42, 41, 1, minutes(21), 230));
        AlertCommand.Update update = assertInstanceOf(AlertCommand.Update.class, commands.get(0));
        assertEquals(AlertKind.CONFIRMED_POSITIVE, update.alert().kind());
        assertEquals(Severity.HIGH, update.alert().severity());
        assertTrue(update.deliverAgain());
        assertEquals(AlertKeys.chain(DEVICE, 41), only().key());
    }

    @Test
    void a_whole_chain_of_retests_stays_one_alert() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        feed(Events.abortedRetest(43, 41, minutes(42)));
        feed(Events.retest(44, 41, 2, minutes(43), 180));
        feed(Events.retest(45, 41, 3, minutes(64), 40));
        Alert alert = only();
        assertEquals(AlertKind.CONFIRMED_POSITIVE, alert.kind());
        assertEquals(List.of(41L, 42L, 44L, 45L), alert.evidence().stream().map(AlertEvidence::seq).toList());
    }

    @Test
    void a_missed_retest_confirms_the_chain() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.missedRetest(42, 41, minutes(50)));
        Alert alert = only();
        assertEquals(AlertKind.CONFIRMED_POSITIVE, alert.kind());
        assertTrue(alert.summary().startsWith("Confirmed positive: the retest was missed"), alert.summary());
    }

    @Test
    void a_passing_retest_downgrades_an_unconfirmed_chain_to_info_and_stops_its_escalation() {
        feed(Events.test(41, minutes(0), 250));
        List<AlertCommand> commands = feed(Events.retest(42, 41, 1, minutes(21), 0));
        AlertCommand.Update update = assertInstanceOf(AlertCommand.Update.class, commands.get(0));
        assertEquals(AlertKind.OVER_THRESHOLD, update.alert().kind());
        assertEquals(Severity.INFO, update.alert().severity());
        assertNull(update.alert().escalateAt());
        assertFalse(update.deliverAgain());
        assertTrue(update.alert().summary().contains("a retest passed, so it is not confirmed"), update.alert().summary());
    }

    @Test
    void a_passing_retest_after_a_confirmation_leaves_it_confirmed() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        feed(Events.retest(43, 41, 2, minutes(42), 0));
        assertEquals(Severity.HIGH, only().severity());
    }

    @Test
    void a_retest_that_arrives_before_its_first_positive_still_raises_the_confirmed_alert() {
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        feed(Events.test(41, minutes(0), 250));
        Alert alert = only();
        assertEquals(AlertKind.CONFIRMED_POSITIVE, alert.kind());
        assertEquals(2, alert.evidence().size());
    }

    @Test
    void a_result_the_device_passed_but_over_the_clients_threshold_raises_an_alert() {
        Reading lenientDevice = new Reading(DEVICE, 7, Events.clock(minutes(0)), new TestReason.OnDemand(), Outcome.PASS,
                new BreathAlcohol(150), new BreathAlcohol(200), null, 4500, 300,
                new SensorFacts("BG-FC1", "SIM-000123", LocalDate.parse("2027-05-01")));
        feed(lenientDevice);
        assertEquals(AlertKind.OVER_THRESHOLD, only().kind());
    }

    @Test
    void a_result_below_a_raised_client_threshold_raises_nothing_until_a_retest_confirms_it() {
        context = new CaseContext(CLIENT.withAlertThreshold(new BreathAlcohol(300)), AlertRules.defaults(), context.consents());
        assertEquals(List.of(), feed(Events.test(41, minutes(0), 250)));
        feed(Events.retest(42, 41, 1, minutes(21), 240));
        assertEquals(AlertKind.CONFIRMED_POSITIVE, only().kind());
    }

    @Test
    void a_positive_from_a_device_that_reports_no_value_counts_as_over_the_threshold() {
        Reading passFailOnly = new Reading(DEVICE, 9, Events.clock(minutes(0)), new TestReason.OnDemand(), Outcome.FAIL, null,
                new BreathAlcohol(100), null, 4500, 300, new SensorFacts("IL-1", "X-1", LocalDate.parse("2027-05-01")));
        feed(passFailOnly);
        assertTrue(only().summary().contains("alcohol detected, no value reported"), only().summary());
    }

    @Test
    void the_summary_gives_mg_per_litre_with_the_per_mille_estimate_and_its_factor_beside_it() {
        feed(Events.test(41, minutes(0), 250));
        String summary = only().summary();
        assertTrue(summary.contains("0.250 mg/L (≈ 0.57 ‰, FI-RL-23)"), summary);
        assertTrue(summary.contains("threshold of 0.100 mg/L (≈ 0.23 ‰, FI-RL-23)"), summary);
        assertTrue(summary.contains("2026-03-09 08:02"), "shown in Helsinki time: " + summary);
    }

    // --- consent decides whether child protection hears of it ---

    @Test
    void a_confirmed_positive_reaches_a_unit_whose_consent_covers_it() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        assertEquals(Set.of("cp-1"), only().audience().childProtectionUnitIds());
    }

    @Test
    void a_confirmed_positive_from_before_the_consented_period_does_not_reach_the_unit() {
        Instant before = Instant.parse("2026-02-28T20:00:00Z");
        feed(Events.test(41, before, 250));
        feed(Events.retest(42, 41, 1, before.plus(Duration.ofMinutes(21)), 230));
        assertEquals(Set.of(), only().audience().childProtectionUnitIds());
    }

    @Test
    void a_chain_that_began_before_the_period_does_not_reach_the_unit_even_if_confirmed_inside_it() {
        Instant start = Instant.parse("2026-02-28T23:50:00Z");
        feed(Events.test(41, start, 250));
        feed(Events.retest(42, 41, 1, start.plus(Duration.ofMinutes(21)), 230));
        assertEquals(Set.of(), only().audience().childProtectionUnitIds());
    }

    @Test
    void a_confirmed_positive_does_not_reach_a_unit_whose_consent_lacks_the_alerts_scope() {
        ConsentVersion resultsOnly = ConsentVersion.first("consent-1", CLIENT.id(), "cp-1", CONSENT.validFrom(), CONSENT.validUntil(),
                Set.of(Scope.RESULTS, Scope.MISSED_TESTS), "worker-sa", CONSENT.recordedAt());
        context = new CaseContext(CLIENT, AlertRules.defaults(), ConsentHistory.of(CLIENT.id(), List.of(resultsOnly)));
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        assertEquals(Set.of(), only().audience().childProtectionUnitIds());
    }

    @Test
    void after_revocation_an_update_takes_the_unit_out_of_the_audience() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        context = new CaseContext(CLIENT, AlertRules.defaults(), context.consents().with(CONSENT.revoke("parent-a", minutes(30), minutes(30))));
        feed(Events.retest(43, 41, 2, minutes(42), 150));
        assertEquals(Set.of(), only().audience().childProtectionUnitIds());
    }

    @Test
    void after_revocation_a_unit_may_no_longer_see_an_alert_it_was_sent() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        CaseContext revoked = new CaseContext(CLIENT, AlertRules.defaults(),
                context.consents().with(CONSENT.revoke("parent-a", minutes(30), minutes(30))));
        assertTrue(AlertEngine.mayReceive(only(), CP1, context, minutes(25)).allowed());
        assertEquals(ReasonCode.DENIED_CONSENT_REVOKED, AlertEngine.mayReceive(only(), CP1, revoked, minutes(31)).code());
    }

    // --- the other rules ---

    @Test
    void a_missed_scheduled_test_raises_a_missed_test_alert_shared_under_consent() {
        feed(Events.missedScheduled(50, minutes(0)));
        Alert alert = only();
        assertEquals(AlertKind.MISSED_TEST, alert.kind());
        assertEquals(AlertKeys.missedTest(DEVICE, 50), alert.key());
        assertEquals(Set.of("cp-1"), alert.audience().childProtectionUnitIds());
        assertTrue(alert.summary().contains("1 attempts were started but aborted"), alert.summary());
    }

    @Test
    void a_missed_test_without_consent_goes_to_the_substance_abuse_service_only() {
        withoutConsent();
        feed(Events.missedScheduled(50, minutes(0)));
        assertEquals(Set.of(), only().audience().childProtectionUnitIds());
    }

    @Test
    void a_tamper_event_raises_a_tamper_alert_for_the_substance_abuse_service() {
        feed(Events.tamper(60, minutes(0)));
        Alert alert = only();
        assertEquals(AlertKind.TAMPER, alert.kind());
        assertEquals(Set.of(), alert.audience().childProtectionUnitIds());
        assertTrue(alert.summary().contains("sensor disconnected"), alert.summary());
    }

    @Test
    void a_support_request_goes_to_the_substance_abuse_service_only_even_with_consent() {
        feed(Events.support(70, minutes(0)));
        Alert alert = only();
        assertEquals(AlertKind.SUPPORT_REQUEST, alert.kind());
        assertEquals(Severity.HIGH, alert.severity());
        assertEquals("sa-north", alert.audience().substanceAbuseOrganisationId());
        assertEquals(Set.of(), alert.audience().childProtectionUnitIds());
    }

    @Test
    void support_requests_cannot_be_set_to_share_with_child_protection() {
        assertThrows(IllegalArgumentException.class, () -> AlertRules.defaults().with(AlertKind.SUPPORT_REQUEST,
                new RuleSetting(true, true, Duration.ofHours(1))));
    }

    @Test
    void a_device_silent_longer_than_the_limit_raises_one_alert() {
        Instant lastHeard = minutes(0);
        Instant later = lastHeard.plus(Duration.ofHours(26));
        apply(engine.onSilenceCheck(DEVICE, lastHeard, context, AlertLookup.of(store), later));
        assertEquals(List.of(), apply(engine.onSilenceCheck(DEVICE, lastHeard, context, AlertLookup.of(store), later.plusSeconds(600))));
        assertEquals(AlertKind.DEVICE_SILENT, only().kind());
    }

    @Test
    void a_device_silent_for_less_than_the_limit_raises_nothing() {
        Instant lastHeard = minutes(0);
        assertEquals(List.of(), engine.onSilenceCheck(DEVICE, lastHeard, context, AlertLookup.of(store),
                lastHeard.plus(Duration.ofHours(26)).minusMillis(1)));
    }

    @Test
    void a_silent_device_heard_again_resolves_its_alert() {
        Instant lastHeard = minutes(0);
        apply(engine.onSilenceCheck(DEVICE, lastHeard, context, AlertLookup.of(store), lastHeard.plus(Duration.ofHours(27))));
        apply(engine.onDeviceHeard(DEVICE, lastHeard, lastHeard.plus(Duration.ofHours(30)), AlertLookup.of(store)));
        assertEquals(AlertStatus.RESOLVED, only().status());
        assertNull(only().escalateAt());
    }

    @Test
    void a_disabled_rule_raises_nothing() {
        context = new CaseContext(CLIENT, AlertRules.defaults().with(AlertKind.TAMPER,
                AlertRules.defaults().setting(AlertKind.TAMPER).withEnabled(false)), context.consents());
        assertEquals(List.of(), feed(Events.tamper(60, minutes(0))));
    }

    @Test
    void with_single_results_off_a_chain_alerts_only_once_confirmed() {
        context = new CaseContext(CLIENT, AlertRules.defaults().with(AlertKind.OVER_THRESHOLD,
                AlertRules.defaults().setting(AlertKind.OVER_THRESHOLD).withEnabled(false)), context.consents());
        assertEquals(List.of(), feed(Events.test(41, minutes(0), 250)));
        assertInstanceOf(AlertCommand.Raise.class, feed(Events.retest(42, 41, 1, minutes(21), 230)).get(0));
    }

    // --- deduplication ---

    @Test
    void the_same_reading_processed_twice_changes_nothing_the_second_time() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        assertEquals(List.of(), feed(Events.retest(42, 41, 1, minutes(21), 230)));
        assertEquals(List.of(), feed(Events.test(41, minutes(0), 250)));
    }

    @Test
    void the_same_missed_test_tamper_or_support_request_processed_twice_raises_once() {
        for (EvidenceEvent e : List.of(Events.missedScheduled(50, minutes(0)), Events.tamper(60, minutes(1)), Events.support(70, minutes(2)))) {
            assertEquals(1, feed(e).size());
            assertEquals(List.of(), feed(e));
        }
        assertEquals(3, store.size());
    }

    // --- excuses ---

    @Test
    void excusing_a_missed_test_resolves_its_alert_and_keeps_the_event_in_it() {
        feed(Events.missedScheduled(50, minutes(0)));
        Excuse excuse = new Excuse(DEVICE, 50, "worker-sa", "In hospital 8-10 March", minutes(120));
        apply(engine.onExcuse(excuse, Events.missedScheduled(50, minutes(0)), context, AlertLookup.of(store), minutes(120)));
        Alert alert = only();
        assertEquals(AlertStatus.RESOLVED, alert.status());
        assertTrue(alert.resolution().contains("In hospital 8-10 March"));
        assertTrue(alert.evidence().get(0).excused());
        assertEquals(50, alert.evidence().get(0).seq());
    }

    @Test
    void excusing_a_missed_retest_leaves_the_chain_unconfirmed() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.missedRetest(42, 41, minutes(50)));
        Excuse excuse = new Excuse(DEVICE, 42, "worker-sa", "Power cut in the village", minutes(120));
        apply(engine.onExcuse(excuse, Events.missedRetest(42, 41, minutes(50)), context, AlertLookup.of(store), minutes(120)));
        assertEquals(AlertKind.OVER_THRESHOLD, only().kind());
        assertEquals(2, only().evidence().size());
    }

    @Test
    void excusing_a_test_that_was_neither_missed_nor_late_is_refused() {
        Reading onTime = Events.test(41, minutes(0), 0);
        Excuse excuse = new Excuse(DEVICE, 41, "worker-sa", "why not", minutes(10));
        assertThrows(IllegalArgumentException.class, () -> engine.onExcuse(excuse, onTime, context, AlertLookup.of(store), minutes(10)));
    }

    @Test
    void an_excuse_given_with_another_event_is_refused() {
        Excuse excuse = new Excuse(DEVICE, 49, "worker-sa", "note", minutes(10));
        assertThrows(IllegalArgumentException.class, () -> engine.onExcuse(excuse, Events.missedScheduled(50, minutes(0)), context,
                AlertLookup.of(store), minutes(10)));
    }

    @Test
    void excusing_a_late_test_changes_no_alert() {
        Reading late = new Reading(DEVICE, 41, Events.clock(minutes(0)), new TestReason.Scheduled(minutes(-90), true), Outcome.PASS,
                BreathAlcohol.ZERO, new BreathAlcohol(100), null, 4500, 300, new SensorFacts("BG-FC1", "S-1", LocalDate.parse("2027-05-01")));
        Excuse excuse = new Excuse(DEVICE, 41, "worker-sa", "Bus was late", minutes(10));
        assertEquals(List.of(), engine.onExcuse(excuse, late, context, AlertLookup.of(store), minutes(10)));
    }

    // --- acknowledgement and escalation ---

    @Test
    void an_unacknowledged_alert_escalates_once_after_its_time() {
        feed(Events.support(70, minutes(0)));
        Alert raised = only();
        assertEquals(raised.raisedAt().plus(Duration.ofHours(1)), raised.escalateAt());
        assertEquals(List.of(), engine.onTick(store.values(), raised.escalateAt().minusMillis(1)));
        List<AlertCommand> escalations = apply(engine.onTick(store.values(), raised.escalateAt()));
        assertInstanceOf(AlertCommand.Escalate.class, escalations.get(0));
        assertEquals(List.of(), engine.onTick(store.values(), raised.escalateAt().plusSeconds(3600)));
    }

    @Test
    void an_acknowledged_alert_does_not_escalate() {
        feed(Events.support(70, minutes(0)));
        apply(List.of(engine.acknowledge(only(), SA, "Called her; visiting at 14:00", context, minutes(10))));
        assertEquals(AlertStatus.ACKNOWLEDGED, only().status());
        assertEquals("Called her; visiting at 14:00", only().acknowledgement().note());
        assertEquals(List.of(), engine.onTick(store.values(), minutes(600)));
    }

    @Test
    void acknowledging_needs_a_note() {
        feed(Events.support(70, minutes(0)));
        assertThrows(IllegalArgumentException.class, () -> engine.acknowledge(only(), SA, " ", context, minutes(10)));
    }

    @Test
    void a_child_protection_worker_cannot_acknowledge_a_support_request() {
        feed(Events.support(70, minutes(0)));
        AccessDeniedException e = assertThrows(AccessDeniedException.class,
                () -> engine.acknowledge(only(), CP1, "seen", context, minutes(10)));
        assertEquals(ReasonCode.DENIED_NOT_IN_AUDIENCE, e.decision().code());
    }

    @Test
    void a_worker_of_another_service_cannot_acknowledge() {
        feed(Events.support(70, minutes(0)));
        Actor other = Actor.substanceAbuseWorker("worker-south", "sa-south");
        assertThrows(AccessDeniedException.class, () -> engine.acknowledge(only(), other, "seen", context, minutes(10)));
    }

    @Test
    void a_child_protection_worker_in_the_audience_may_acknowledge_a_confirmed_positive() {
        feed(Events.test(41, minutes(0), 250));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        assertEquals(AlertStatus.ACKNOWLEDGED, engine.acknowledge(only(), CP1, "Discussed at home visit", context, minutes(60)).alert().status());
    }

    @Test
    void a_confirmation_reopens_an_acknowledged_chain_alert_on_a_fresh_escalation_clock() {
        feed(Events.test(41, minutes(0), 250));
        apply(List.of(engine.acknowledge(only(), SA, "Waiting for the retest", context, minutes(5))));
        feed(Events.retest(42, 41, 1, minutes(21), 230));
        Alert alert = only();
        assertEquals(AlertStatus.OPEN, alert.status());
        assertEquals(minutes(22).plus(Duration.ofHours(4)), alert.escalateAt());
    }

    @Test
    void an_acknowledged_alert_cannot_be_acknowledged_again() {
        feed(Events.support(70, minutes(0)));
        apply(List.of(engine.acknowledge(only(), SA, "Called", context, minutes(10))));
        assertThrows(IllegalStateException.class, () -> engine.acknowledge(only(), SA, "Called again", context, minutes(20)));
    }

    @Test
    void an_unsynchronised_clock_is_named_in_the_summary() {
        Reading r = Events.test(41, minutes(0), 250);
        Reading unsynced = new Reading(r.deviceId(), r.seq(), new ClockFacts(minutes(-300), "boot-1", 1000, false), r.reason(),
                r.outcome(), r.breathAlcohol(), r.threshold(), null, r.blowMs(), r.sensorTemperatureDeciC(), r.sensor());
        apply(engine.onEvidence(unsynced, minutes(1), context, AlertLookup.of(store), minutes(1)));
        assertTrue(only().summary().contains("device clock not synchronised"), only().summary());
    }
}
