package org.breathgate.care.consent;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventTimeTest {

    static final Instant WALL = Instant.parse("2026-03-09T06:00:00Z");
    static final Instant RECEIVED = Instant.parse("2026-03-09T08:00:00Z");

    @Test
    void a_synchronised_clock_gives_the_exact_device_time() {
        assertEquals(EventTime.exact(WALL), EventTime.of(WALL, true, RECEIVED));
    }

    @Test
    void an_unsynchronised_clock_gives_the_span_from_device_time_to_receipt() {
        EventTime t = EventTime.of(WALL, false, RECEIVED);
        assertEquals(new EventTime(WALL, RECEIVED), t);
        assertFalse(t.isExact());
        assertEquals(RECEIVED, t.shown());
    }

    @Test
    void an_unsynchronised_clock_ahead_of_the_receipt_leaves_the_start_unknown() {
        EventTime t = EventTime.of(RECEIVED.plusSeconds(3600), false, RECEIVED);
        assertEquals(EventTime.UNKNOWN_START, t.earliest());
        assertFalse(t.within(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z")));
    }

    @Test
    void a_span_holds_all_its_times() {
        EventTime span = EventTime.span(List.of(EventTime.exact(RECEIVED), EventTime.of(WALL, false, RECEIVED.plusSeconds(60))));
        assertEquals(new EventTime(WALL, RECEIVED.plusSeconds(60)), span);
    }

    @Test
    void within_needs_the_whole_span_inside() {
        EventTime t = new EventTime(WALL, RECEIVED);
        assertTrue(t.within(WALL, RECEIVED.plusMillis(1)));
        assertFalse(t.within(WALL.plusMillis(1), RECEIVED.plusMillis(1)));
        assertFalse(t.within(WALL, RECEIVED));
    }
}
