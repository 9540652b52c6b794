package org.breathgate.care.word;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExplanationTest {

    static final Instant AT = Instant.parse("2026-03-10T09:00:00Z");

    @Test
    void a_choice_alone_is_an_explanation() {
        Explanation e = new Explanation("home-0001", 12, 1, Explanation.Choice.MOUTHWASH, "  ", "parent-a", AT);
        assertNull(e.text());
    }

    @Test
    void other_needs_the_parents_own_words() {
        assertThrows(IllegalArgumentException.class,
                () -> new Explanation("home-0001", 12, 1, Explanation.Choice.OTHER, null, "parent-a", AT));
        assertEquals("at a funeral", new Explanation("home-0001", 12, 1, Explanation.Choice.OTHER, " at a funeral ", "parent-a", AT).text());
    }

    @Test
    void the_text_is_limited_in_length() {
        assertThrows(IllegalArgumentException.class, () -> new Explanation("home-0001", 12, 1, Explanation.Choice.MEDICINE,
                "x".repeat(Explanation.MAX_TEXT + 1), "parent-a", AT));
    }

    @Test
    void choices_have_stable_wire_names() {
        for (Explanation.Choice c : Explanation.Choice.values()) {
            assertEquals(c, Explanation.Choice.ofWire(c.wireName()));
        }
        assertThrows(IllegalArgumentException.class, () -> Explanation.Choice.ofWire("drunk"));
    }
}
