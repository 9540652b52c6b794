package org.breathgate.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PpmConversionTest {

    @Test
    void one_ppm_ethanol_at_breath_temperature_is_1_82789_micrograms_per_litre() {
        assertEquals(new BigDecimal("1.82789"), PpmConversion.breath().microgramsPerLitrePerPpm());
    }

    @Test
    void conversion_rounds_half_up_to_whole_micrograms() {
        PpmConversion twoAndHalf = new PpmConversion(new BigDecimal("2.5"));
        assertEquals(3, twoAndHalf.toMicrogramsPerLitre(BigDecimal.ONE));
        assertEquals(5, twoAndHalf.toMicrogramsPerLitre(new BigDecimal("2")));
        assertEquals(219, PpmConversion.breath().toMicrogramsPerLitre(new BigDecimal("120")));
    }

    @Test
    void warmer_gas_weighs_less_per_ppm() {
        BigDecimal at20 = PpmConversion.ethanolAt(new BigDecimal("20"), PpmConversion.STANDARD_PASCAL).microgramsPerLitrePerPpm();
        assertTrue(at20.compareTo(PpmConversion.breath().microgramsPerLitrePerPpm()) > 0);
        assertEquals(new BigDecimal("1.91519"), at20);
    }

    @Test
    void implausible_temperature_or_factor_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> PpmConversion.ethanolAt(new BigDecimal("300"), PpmConversion.STANDARD_PASCAL));
        assertThrows(IllegalArgumentException.class, () -> new PpmConversion(BigDecimal.ZERO));
        assertThrows(IllegalArgumentException.class, () -> PpmConversion.breath().toMicrogramsPerLitre(new BigDecimal("-1")));
    }
}
