package org.breathgate.protocol;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A breath alcohol concentration, held exactly as whole micrograms of ethanol per litre of breath
 * (µg/L). No floating point: 1 µg/L is far below any sensor's resolution, and exact integers
 * compare and store without rounding surprises.
 *
 * @param microgramsPerLitre µg/L breath, 0 or more
 */
public record BreathAlcohol(int microgramsPerLitre) implements Comparable<BreathAlcohol> {

    /** Highest value a reading may carry: 10 000 µg/L (10 mg/L) is far beyond any survivable level. */
    public static final int MAX_MICROGRAMS_PER_LITRE = 10_000;

    public static final BreathAlcohol ZERO = new BreathAlcohol(0);

    public BreathAlcohol {
        if (microgramsPerLitre < 0 || microgramsPerLitre > MAX_MICROGRAMS_PER_LITRE) {
            throw new IllegalArgumentException(
                    "breath alcohol must be 0-" + MAX_MICROGRAMS_PER_LITRE + " µg/L, was " + microgramsPerLitre);
        }
    }

    /** From milligrams per litre (e.g. {@code 0.22}); more than three decimals is refused, not rounded. */
    public static BreathAlcohol ofMilligramsPerLitre(BigDecimal mgPerLitre) {
        BigDecimal micrograms = mgPerLitre.movePointRight(3);
        try {
            return new BreathAlcohol(micrograms.intValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("mg/L value must have at most three decimals and be 0-10, was " + mgPerLitre, e);
        }
    }

    /** The same value in mg/L breath, exactly (three decimals). */
    public BigDecimal milligramsPerLitre() {
        return BigDecimal.valueOf(microgramsPerLitre, 3);
    }

    /**
     * The estimated blood alcohol in per mille (‰, g/kg) through {@code factor}, to two decimals,
     * rounded half-up. An estimate: the breath-to-blood relation differs between people.
     */
    public BigDecimal perMille(PerMilleFactor factor) {
        return milligramsPerLitre().multiply(factor.perMillePerMilligramPerLitre()).setScale(2, RoundingMode.HALF_UP);
    }

    /** Whether this value is at or above {@code threshold}. */
    public boolean atOrAbove(BreathAlcohol threshold) {
        return microgramsPerLitre >= threshold.microgramsPerLitre;
    }

    @Override
    public int compareTo(BreathAlcohol other) {
        return Integer.compare(microgramsPerLitre, other.microgramsPerLitre);
    }

    @Override
    public String toString() {
        return microgramsPerLitre + " µg/L";
    }
}
