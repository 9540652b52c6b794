package org.breathgate.care.consent;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsentHistoryTest {

    static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2026-06-01T00:00:00Z");
    static final Instant RECORDED = Instant.parse("2026-02-25T10:00:00Z");
    static final Instant NOW = Instant.parse("2026-03-10T09:00:00Z");
    static final EventTime EVENT = EventTime.exact(Instant.parse("2026-03-09T06:00:00Z"));
    static final ConsentVersion V1 = ConsentVersion.first("consent-1", "client-a", "cp-1", FROM, UNTIL,
            EnumSet.allOf(Scope.class), "worker-sa", RECORDED);

    @Test
    void a_consent_in_force_covers_an_event_in_its_period() {
        assertTrue(ConsentHistory.of("client-a", List.of(V1)).covers("cp-1", Scope.RESULTS, EVENT, NOW));
    }

    @Test
    void the_period_end_is_exclusive() {
        EventTime atEnd = EventTime.exact(UNTIL);
        assertEquals(ConsentCheck.Result.EVENT_OUTSIDE_PERIOD,
                ConsentHistory.of("client-a", List.of(V1)).check("cp-1", Scope.RESULTS, atEnd, NOW).result());
    }

    @Test
    void of_two_consents_for_the_same_unit_the_one_that_covers_wins() {
        ConsentVersion expired = ConsentVersion.first("consent-0", "client-a", "cp-1", Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-06-01T00:00:00Z"), EnumSet.allOf(Scope.class), "worker-sa", Instant.parse("2024-12-20T00:00:00Z"));
        ConsentCheck check = ConsentHistory.of("client-a", List.of(expired, V1)).check("cp-1", Scope.RESULTS, EVENT, NOW);
        assertEquals(ConsentCheck.Result.COVERED, check.result());
        assertEquals("consent-1", check.basis().consentId());
    }

    @Test
    void versions_are_kept_and_the_latest_recorded_by_now_is_the_one_that_counts() {
        ConsentVersion v2 = V1.amend(FROM, UNTIL, Set.of(Scope.ALERTS), "worker-sa", Instant.parse("2026-03-20T00:00:00Z"));
        ConsentHistory history = ConsentHistory.of("client-a", List.of(v2, V1));
        assertEquals(List.of(V1, v2), history.versions());
        assertTrue(history.covers("cp-1", Scope.RESULTS, EVENT, NOW));
        assertFalse(history.covers("cp-1", Scope.RESULTS, EVENT, Instant.parse("2026-03-21T00:00:00Z")));
    }

    @Test
    void a_skipped_version_is_refused() {
        ConsentVersion v3 = new ConsentVersion("consent-1", 3, "client-a", "cp-1", FROM, UNTIL, EnumSet.allOf(Scope.class),
                "worker-sa", NOW, null, null);
        assertThrows(IllegalArgumentException.class, () -> ConsentHistory.of("client-a", List.of(V1, v3)));
    }

    @Test
    void a_second_version_one_is_refused_because_versions_are_never_overwritten() {
        assertThrows(IllegalArgumentException.class, () -> ConsentHistory.of("client-a", List.of(V1, V1)));
    }

    @Test
    void nothing_follows_a_revocation() {
        ConsentVersion revoked = V1.revoke("parent-a", NOW, NOW);
        assertThrows(IllegalStateException.class, () -> revoked.amend(FROM, UNTIL, Set.of(Scope.ALERTS), "worker-sa", NOW));
        ConsentVersion forged = new ConsentVersion("consent-1", 3, "client-a", "cp-1", FROM, UNTIL, EnumSet.allOf(Scope.class),
                "worker-sa", NOW, null, null);
        assertThrows(IllegalArgumentException.class, () -> ConsentHistory.of("client-a", List.of(V1, revoked, forged)));
    }

    @Test
    void a_later_version_naming_another_unit_is_refused() {
        ConsentVersion other = new ConsentVersion("consent-1", 2, "client-a", "cp-2", FROM, UNTIL, EnumSet.allOf(Scope.class),
                "worker-sa", NOW, null, null);
        assertThrows(IllegalArgumentException.class, () -> ConsentHistory.of("client-a", List.of(V1, other)));
    }

    @Test
    void a_version_recorded_before_its_predecessor_is_refused() {
        ConsentVersion early = V1.amend(FROM, UNTIL, Set.of(Scope.ALERTS), "worker-sa", RECORDED.minusSeconds(1));
        assertThrows(IllegalArgumentException.class, () -> ConsentHistory.of("client-a", List.of(V1, early)));
    }

    @Test
    void a_consent_of_another_client_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> ConsentHistory.of("client-b", List.of(V1)));
    }

    @Test
    void a_consent_needs_a_scope_and_a_period_with_an_end_after_its_start() {
        assertThrows(IllegalArgumentException.class, () -> ConsentVersion.first("c", "client-a", "cp-1", FROM, UNTIL, Set.of(),
                "worker-sa", RECORDED));
        assertThrows(IllegalArgumentException.class, () -> ConsentVersion.first("c", "client-a", "cp-1", FROM, FROM,
                EnumSet.allOf(Scope.class), "worker-sa", RECORDED));
        assertThrows(NullPointerException.class, () -> ConsentVersion.first("c", "client-a", "cp-1", FROM, null,
                EnumSet.allOf(Scope.class), "worker-sa", RECORDED));
    }

    @Test
    void the_scopes_of_a_version_cannot_be_changed_afterwards() {
        Set<Scope> scopes = EnumSet.of(Scope.ALERTS);
        ConsentVersion v = ConsentVersion.first("c", "client-a", "cp-1", FROM, UNTIL, scopes, "worker-sa", RECORDED);
        scopes.add(Scope.RESULTS);
        assertEquals(Set.of(Scope.ALERTS), v.scopes());
        assertThrows(UnsupportedOperationException.class, () -> v.scopes().add(Scope.RESULTS));
    }
}
