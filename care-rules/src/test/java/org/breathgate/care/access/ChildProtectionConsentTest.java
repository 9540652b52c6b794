package org.breathgate.care.access;

import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A child-protection worker before, during and after a consent period, after revocation, and the edges. */
class ChildProtectionConsentTest {

    static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2026-06-01T00:00:00Z");
    static final Instant RECORDED = Instant.parse("2026-02-25T10:00:00Z");
    static final Client CLIENT = Client.open("client-a", "Parent A", "sa-north");
    static final Actor CP1 = Actor.childProtectionWorker("worker-cp1", "cp-1");
    static final ConsentVersion V1 = ConsentVersion.first("consent-1", CLIENT.id(), "cp-1", FROM, UNTIL,
            EnumSet.allOf(Scope.class), "worker-sa", RECORDED);
    static final ConsentHistory CONSENTS = ConsentHistory.of(CLIENT.id(), List.of(V1));
    static final EventTime IN_PERIOD = at("2026-03-09T06:02:00Z");

    static EventTime at(String instant) {
        return EventTime.exact(Instant.parse(instant));
    }

    static Decision viewResult(Actor actor, Client client, ConsentHistory consents, EventTime event, String now) {
        return AccessPolicy.decide(actor, Operation.VIEW_RESULT, client, consents, event, Instant.parse(now));
    }

    @Test
    void before_the_period_begins_nothing_is_shown() {
        assertEquals(ReasonCode.DENIED_CONSENT_NOT_YET_IN_FORCE,
                viewResult(CP1, CLIENT, CONSENTS, at("2026-02-27T08:00:00Z"), "2026-02-27T09:00:00Z").code());
    }

    @Test
    void before_the_consent_is_recorded_the_unit_has_no_consent() {
        assertEquals(ReasonCode.DENIED_NO_CONSENT,
                viewResult(CP1, CLIENT, CONSENTS, at("2026-02-20T08:00:00Z"), "2026-02-20T09:00:00Z").code());
    }

    @Test
    void during_the_period_a_result_from_the_period_is_shown_and_names_its_consent() {
        Decision d = viewResult(CP1, CLIENT, CONSENTS, IN_PERIOD, "2026-03-10T09:00:00Z");
        assertEquals(ReasonCode.ALLOWED_BY_CONSENT, d.code());
        assertEquals(V1, d.consentBasis());
    }

    @Test
    void during_the_period_a_result_from_before_it_is_not_shown() {
        assertEquals(ReasonCode.DENIED_EVENT_OUTSIDE_PERIOD,
                viewResult(CP1, CLIENT, CONSENTS, at("2026-02-28T23:59:59Z"), "2026-03-10T09:00:00Z").code());
    }

    @Test
    void after_the_period_even_results_from_the_period_are_not_shown() {
        assertEquals(ReasonCode.DENIED_CONSENT_EXPIRED, viewResult(CP1, CLIENT, CONSENTS, IN_PERIOD, "2026-06-01T00:00:00Z").code());
    }

    @Test
    void after_revocation_even_results_from_before_the_revocation_are_not_shown() {
        ConsentHistory revoked = CONSENTS.with(V1.revoke("parent-a", Instant.parse("2026-04-01T08:00:00Z"),
                Instant.parse("2026-04-01T08:00:00Z")));
        assertEquals(ReasonCode.DENIED_CONSENT_REVOKED, viewResult(CP1, CLIENT, revoked, IN_PERIOD, "2026-04-02T09:00:00Z").code());
    }

    @Test
    void a_revocation_applies_from_when_it_is_recorded() {
        ConsentHistory revoked = CONSENTS.with(V1.revoke("worker-sa", Instant.parse("2026-03-30T17:00:00Z"),
                Instant.parse("2026-04-01T08:00:00Z")));
        assertTrue(viewResult(CP1, CLIENT, revoked, IN_PERIOD, "2026-03-31T09:00:00Z").allowed());
    }

    @Test
    void a_consent_without_the_results_scope_does_not_show_results_but_does_alert() {
        ConsentHistory alertsOnly = ConsentHistory.of(CLIENT.id(), List.of(ConsentVersion.first("consent-1", CLIENT.id(), "cp-1",
                FROM, UNTIL, Set.of(Scope.ALERTS), "worker-sa", RECORDED)));
        Instant now = Instant.parse("2026-03-10T09:00:00Z");
        assertEquals(ReasonCode.DENIED_SCOPE_NOT_GIVEN, viewResult(CP1, CLIENT, alertsOnly, IN_PERIOD, now.toString()).code());
        assertTrue(AccessPolicy.decide(CP1, Operation.RECEIVE_ALERT, CLIENT, alertsOnly, IN_PERIOD, now).allowed());
    }

    @Test
    void a_consent_for_another_unit_shows_nothing() {
        Actor cp2 = Actor.childProtectionWorker("worker-cp2", "cp-2");
        assertEquals(ReasonCode.DENIED_NO_CONSENT, viewResult(cp2, CLIENT, CONSENTS, IN_PERIOD, "2026-03-10T09:00:00Z").code());
    }

    @Test
    void a_client_of_another_organisation_without_consent_for_the_unit_shows_nothing() {
        Client other = Client.open("client-b", "Parent B", "sa-south");
        assertEquals(ReasonCode.DENIED_NO_CONSENT,
                viewResult(CP1, other, ConsentHistory.empty("client-b"), IN_PERIOD, "2026-03-10T09:00:00Z").code());
    }

    @Test
    void passing_another_clients_consents_is_a_caller_error_not_an_allowance() {
        Client other = Client.open("client-b", "Parent B", "sa-south");
        assertThrows(IllegalArgumentException.class, () -> viewResult(CP1, other, CONSENTS, IN_PERIOD, "2026-03-10T09:00:00Z"));
    }

    @Test
    void an_unsynchronised_event_wholly_inside_the_period_is_shown() {
        EventTime uncertain = EventTime.of(Instant.parse("2026-03-08T20:00:00Z"), false, Instant.parse("2026-03-09T07:00:00Z"));
        assertTrue(viewResult(CP1, CLIENT, CONSENTS, uncertain, "2026-03-10T09:00:00Z").allowed());
    }

    @Test
    void an_unsynchronised_event_that_may_be_from_before_the_period_is_not_shown() {
        EventTime uncertain = EventTime.of(Instant.parse("2026-02-28T20:00:00Z"), false, Instant.parse("2026-03-01T07:00:00Z"));
        assertEquals(ReasonCode.DENIED_EVENT_OUTSIDE_PERIOD,
                viewResult(CP1, CLIENT, CONSENTS, uncertain, "2026-03-10T09:00:00Z").code());
    }

    @Test
    void an_amendment_narrowing_the_scopes_applies_from_when_it_is_recorded() {
        ConsentHistory narrowed = CONSENTS.with(V1.amend(FROM, UNTIL, Set.of(Scope.ALERTS), "worker-sa",
                Instant.parse("2026-03-15T12:00:00Z")));
        assertTrue(viewResult(CP1, CLIENT, narrowed, IN_PERIOD, "2026-03-15T11:59:59Z").allowed());
        assertEquals(ReasonCode.DENIED_SCOPE_NOT_GIVEN, viewResult(CP1, CLIENT, narrowed, IN_PERIOD, "2026-03-15T12:00:00Z").code());
    }

    @Test
    void a_timeline_opens_with_either_the_results_or_the_missed_tests_scope() {
        ConsentHistory missedOnly = ConsentHistory.of(CLIENT.id(), List.of(ConsentVersion.first("consent-1", CLIENT.id(), "cp-1",
                FROM, UNTIL, Set.of(Scope.MISSED_TESTS), "worker-sa", RECORDED)));
        assertTrue(AccessPolicy.decide(CP1, Operation.VIEW_TIMELINE, CLIENT, missedOnly, null,
                Instant.parse("2026-03-10T09:00:00Z")).allowed());
    }

    @Test
    void a_child_protection_worker_may_see_consents_of_their_unit_even_after_they_expire() {
        assertEquals(ReasonCode.ALLOWED_OWN_UNIT_CONSENT, AccessPolicy.decide(CP1, Operation.VIEW_CONSENTS, CLIENT, CONSENTS, null,
                Instant.parse("2026-07-01T00:00:00Z")).code());
    }

    @Test
    void a_substance_abuse_worker_sets_no_schedule_on_a_closed_case_but_still_sees_its_results() {
        Actor sa = Actor.substanceAbuseWorker("worker-sa", "sa-north");
        Client closed = CLIENT.closed(Instant.parse("2026-05-01T00:00:00Z"));
        Instant now = Instant.parse("2026-05-02T00:00:00Z");
        assertEquals(ReasonCode.DENIED_CASE_CLOSED,
                AccessPolicy.decide(sa, Operation.SET_SCHEDULE, closed, CONSENTS, null, now).code());
        assertTrue(AccessPolicy.decide(sa, Operation.VIEW_RESULT, closed, CONSENTS, IN_PERIOD, now).allowed());
    }

    @Test
    void an_event_operation_without_its_event_time_is_a_caller_error() {
        Actor sa = Actor.substanceAbuseWorker("worker-sa", "sa-north");
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.decide(sa, Operation.VIEW_RESULT, CLIENT, CONSENTS, null,
                Instant.parse("2026-03-10T09:00:00Z")));
    }

    @Test
    void a_system_operation_with_a_client_is_a_caller_error() {
        Actor admin = Actor.administrator("admin-1");
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.decide(admin, Operation.MANAGE_USERS, CLIENT, CONSENTS, null,
                Instant.parse("2026-03-10T09:00:00Z")));
    }
}
