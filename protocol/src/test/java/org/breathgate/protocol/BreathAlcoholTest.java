package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BreathAlcoholTest {

    @Test
    void milligrams_per_litre_are_exact_thousandths() {
        assertEquals(new BigDecimal("0.230"), new BreathAlcohol(230).milligramsPerLitre());
        assertEquals(new BreathAlcohol(220), BreathAlcohol.ofMilligramsPerLitre(new BigDecimal("0.22")));
    }

    @Test
    void more_than_three_decimals_of_mg_per_litre_is_refused_not_rounded() {
        assertThrows(IllegalArgumentException.class, () -> BreathAlcohol.ofMilligramsPerLitre(new BigDecimal("0.2205")));
    }

    @Test
    void the_finnish_legal_limits_convert_to_their_per_mille_pairs() {
        assertEquals(new BigDecimal("0.50"), new BreathAlcohol(220).perMille(PerMilleFactor.FINNISH_CRIMINAL_CODE));
        assertEquals(new BigDecimal("1.20"), new BreathAlcohol(530).perMille(PerMilleFactor.FINNISH_CRIMINAL_CODE));
    }

    @Test
    void the_2100_partition_factor_gives_a_lower_estimate() {
        assertEquals(new BigDecimal("0.46"), new BreathAlcohol(220).perMille(PerMilleFactor.PARTITION_2100));
    }

    @Test
    void threshold_comparison_includes_the_threshold_itself() {
        assertTrue(new BreathAlcohol(100).atOrAbove(new BreathAlcohol(100)));
        assertFalse(new BreathAlcohol(99).atOrAbove(new BreathAlcohol(100)));
    }

    @Test
    void negative_and_absurd_values_cannot_exist() {
        assertThrows(IllegalArgumentException.class, () -> new BreathAlcohol(-1));
        assertThrows(IllegalArgumentException.class, () -> new BreathAlcohol(10_001));
    }
}
