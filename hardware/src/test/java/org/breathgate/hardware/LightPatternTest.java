package org.breathgate.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A one-colour LED says as much as a coloured one only if every rhythm has its own shape. */
class LightPatternTest {

    /** What a person sees over eight seconds, sampled every 50 ms. */
    private static List<Boolean> seen(LightPattern p) {
        List<Boolean> out = new ArrayList<>();
        for (long t = 0; t < 8000; t += 50) {
            out.add(p.litAt(Duration.ofMillis(t)));
        }
        return out;
    }

    @Test
    void no_two_patterns_look_alike_on_a_one_colour_led() {
        Map<List<Boolean>, LightPattern> byLook = new HashMap<>();
        for (LightPattern p : LightPattern.values()) {
            LightPattern same = byLook.put(seen(p), p);
            assertEquals(null, same, p + " looks like " + same);
        }
    }

    @Test
    void a_pattern_starts_lit_and_repeats_its_cycle() {
        for (LightPattern p : LightPattern.values()) {
            if (p.blinks()) {
                assertTrue(p.litAt(Duration.ZERO), p + " starts lit");
                assertEquals(0, p.steps().size() % 2, p + " has on and off steps in pairs");
                assertEquals(p.litAt(Duration.ofMillis(120)), p.litAt(p.cycle().plusMillis(120)), p + " repeats");
            }
        }
        assertFalse(LightPattern.OFF.litAt(Duration.ofSeconds(1)));
        assertTrue(LightPattern.STEADY.litAt(Duration.ofSeconds(1)));
    }

    @Test
    void the_flashes_are_counted_by_their_lit_stretches() {
        assertEquals(2, litStretches(LightPattern.DOUBLE_FLASH));
        assertEquals(3, litStretches(LightPattern.TRIPLE_FLASH));
        assertEquals(1, litStretches(LightPattern.HEARTBEAT));
    }

    private static int litStretches(LightPattern p) {
        int stretches = 0;
        boolean was = false;
        for (long t = 0; t < p.cycle().toMillis(); t += 10) {
            boolean lit = p.litAt(Duration.ofMillis(t));
            if (lit && !was) {
                stretches++;
            }
            was = lit;
        }
        return stretches;
    }
}
