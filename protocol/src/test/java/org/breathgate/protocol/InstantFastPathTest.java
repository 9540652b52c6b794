package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The direct reading of {@code yyyy-MM-ddTHH:mm:ssZ} gives what {@link Instant#parse} gives, and leaves everything else to it. */
class InstantFastPathTest {

    @Test
    void whole_second_utc_instants_read_directly_equal_what_instant_parse_reads() {
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L)); // years 0001..9999
            String text = instant.toString();
            assertEquals(Instant.parse(text), JsonFields.utcSeconds(text), text);
        }
    }

    @Test
    void other_texts_are_left_to_instant_parse_which_reads_or_refuses_them_as_before() {
        for (String text : List.of("2026-11-25T06:00:00.5Z", "2026-11-25T06:00:00+02:00", "2026-02-29T06:00:00Z", "2028-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T23:60:00Z",
                "2026-11-25T23:59:60Z", "2026-11-25t06:00:00Z", "2026-11-25T06:00:00z", "+026-11-25T06:00:00Z", "2026-1a-25T06:00:00Z",
                "2026-11-25 06:00:00Z", "", "2026-11-25T06:00:00")) {
            assertNull(JsonFields.utcSeconds(text), text);
        }
        assertEquals(Instant.parse("2028-02-29T12:34:56Z"), JsonFields.utcSeconds("2028-02-29T12:34:56Z"));
    }

    @Test
    void an_impossible_date_is_still_refused() {
        try {
            Instant.parse("2026-02-29T06:00:00Z");
            throw new AssertionError("Instant.parse read 29 February 2026");
        } catch (DateTimeException expected) {
            assertNull(JsonFields.utcSeconds("2026-02-29T06:00:00Z"));
        }
    }
}
