package org.breathgate.hardware;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * Converts an ethanol volume fraction in ppm to µg per litre of breath, exactly and without
 * floating point.
 *
 * <p>From the ideal gas law, one ppm of ethanol (molar mass M = 46.07 g/mol) in air at temperature
 * T (K) and pressure P (Pa) weighs {@code 1e-6 · P · M / (R · T)} g/m³; since 1 g/m³ = 1000 µg/L,
 * the factor is {@code 1e-3 · P · M / (R · T)} µg/L per ppm, R = 8.314462618 J/(mol·K).
 * At 34 °C (exhaled breath) and 101 325 Pa that is 1.82789 µg/L per ppm.
 *
 * @param microgramsPerLitrePerPpm the factor, kept to 6 significant digits
 */
public record PpmConversion(BigDecimal microgramsPerLitrePerPpm) {

    /** Exhaled breath is about 34 °C at the mouth. */
    public static final BigDecimal BREATH_CELSIUS = new BigDecimal("34");
    public static final BigDecimal STANDARD_PASCAL = new BigDecimal("101325");
    static final BigDecimal ETHANOL_G_PER_MOL = new BigDecimal("46.07");
    static final BigDecimal GAS_CONSTANT = new BigDecimal("8.314462618");
    static final BigDecimal KELVIN_OFFSET = new BigDecimal("273.15");
    private static final MathContext SIX_DIGITS = new MathContext(6, RoundingMode.HALF_EVEN);

    public PpmConversion {
        Objects.requireNonNull(microgramsPerLitrePerPpm, "microgramsPerLitrePerPpm");
        if (microgramsPerLitrePerPpm.signum() <= 0 || microgramsPerLitrePerPpm.compareTo(BigDecimal.TEN) > 0) {
            throw new IllegalArgumentException("µg/L per ppm must be in (0, 10]: " + microgramsPerLitrePerPpm);
        }
    }

    /** The factor for ethanol at the given breath temperature and pressure. */
    public static PpmConversion ethanolAt(BigDecimal celsius, BigDecimal pascal) {
        Objects.requireNonNull(celsius, "celsius");
        Objects.requireNonNull(pascal, "pascal");
        BigDecimal kelvin = celsius.add(KELVIN_OFFSET);
        if (kelvin.compareTo(new BigDecimal("253.15")) < 0 || kelvin.compareTo(new BigDecimal("333.15")) > 0) {
            throw new IllegalArgumentException("breath temperature must be -20..60 °C: " + celsius);
        }
        if (pascal.compareTo(new BigDecimal("50000")) < 0 || pascal.compareTo(new BigDecimal("120000")) > 0) {
            throw new IllegalArgumentException("pressure must be 50 000..120 000 Pa: " + pascal);
        }
        BigDecimal factor = pascal.multiply(ETHANOL_G_PER_MOL)
                .divide(GAS_CONSTANT.multiply(kelvin), MathContext.DECIMAL64)
                .movePointLeft(3)
                .round(SIX_DIGITS);
        return new PpmConversion(factor);
    }

    /** Ethanol at 34 °C and 101 325 Pa: 1.82789 µg/L per ppm. */
    public static PpmConversion breath() {
        return ethanolAt(BREATH_CELSIUS, STANDARD_PASCAL);
    }

    /**
     * µg/L for {@code ppm}, rounded half-up to a whole µg/L (the unit results are reported in;
     * half-up so that a value exactly between two integers is not reported lower).
     */
    public int toMicrogramsPerLitre(BigDecimal ppm) {
        Objects.requireNonNull(ppm, "ppm");
        if (ppm.signum() < 0) {
            throw new IllegalArgumentException("ppm must not be negative: " + ppm);
        }
        return ppm.multiply(microgramsPerLitrePerPpm).setScale(0, RoundingMode.HALF_UP).intValueExact();
    }
}
