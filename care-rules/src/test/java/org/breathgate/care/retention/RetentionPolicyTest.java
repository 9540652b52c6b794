package org.breathgate.care.retention;

import org.breathgate.care.access.Client;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetentionPolicyTest {

    static final RetentionPolicy POLICY = new RetentionPolicy(Period.ofMonths(6), Period.ofDays(30), ZoneId.of("Europe/Helsinki"));
    static final Client OPEN = Client.open("client-a", "Parent A", "sa-north");
    static final Instant CLOSED_AT = Instant.parse("2026-03-31T21:00:00Z"); // 1 April 00:00 in Helsinki

    @Test
    void an_open_case_is_never_due() {
        assertEquals(Optional.empty(), POLICY.resultsDeletableFrom(OPEN));
        assertEquals(List.of(), POLICY.due(List.of(OPEN), List.of(), Instant.parse("2099-01-01T00:00:00Z")));
    }

    @Test
    void a_closed_case_is_due_the_configured_period_after_closing_counted_in_local_months() {
        Client closed = OPEN.closed(CLOSED_AT);
        Instant due = Instant.parse("2026-09-30T21:00:00Z"); // 1 October 00:00 in Helsinki (summer time)
        assertEquals(Optional.of(due), POLICY.resultsDeletableFrom(closed));
        assertEquals(List.of(), POLICY.due(List.of(closed), List.of(), due.minusMillis(1)));
        assertEquals(List.of(new DeletionTask.ClientResults("client-a", due)), POLICY.due(List.of(closed), List.of(), due));
    }

    @Test
    void a_reopened_case_is_not_due() {
        Client reopened = OPEN.closed(CLOSED_AT).reopened();
        assertEquals(List.of(), POLICY.due(List.of(reopened), List.of(), Instant.parse("2099-01-01T00:00:00Z")));
    }

    @Test
    void a_photo_is_due_its_period_after_it_was_taken_even_while_the_case_is_open() {
        PhotoRef photo = new PhotoRef("photo-1", "client-a", Instant.parse("2026-03-01T06:00:00Z"));
        Instant due = Instant.parse("2026-03-31T05:00:00Z"); // 30 days later, across the change to summer time
        assertEquals(List.of(new DeletionTask.Photo("photo-1", "client-a", due)), POLICY.due(List.of(OPEN), List.of(photo), due));
    }

    @Test
    void a_photo_of_a_client_whose_results_are_due_is_deleted_with_them() {
        Client closed = OPEN.closed(CLOSED_AT);
        PhotoRef photo = new PhotoRef("photo-1", "client-a", Instant.parse("2026-03-01T06:00:00Z"));
        assertEquals(List.of(new DeletionTask.ClientResults("client-a", Instant.parse("2026-09-30T21:00:00Z"))),
                POLICY.due(List.of(closed), List.of(photo), Instant.parse("2026-10-01T00:00:00Z")));
    }

    @Test
    void a_negative_period_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Period.ofDays(-1), Period.ofDays(30), ZoneId.of("UTC")));
    }
}
