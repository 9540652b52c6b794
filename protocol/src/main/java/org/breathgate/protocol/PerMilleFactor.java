package org.breathgate.protocol;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A named factor from mg/L of breath to per mille (‰) of blood alcohol.
 *
 * <p>Breath is what is measured; per mille is what people know. The two are linked by an assumed
 * blood:breath partition ratio, which varies between people, so every per-mille figure shown is an
 * estimate, and the factor used is named beside it.
 *
 * @param name                         a short name shown beside converted figures
 * @param perMillePerMilligramPerLitre ‰ per 1 mg/L breath
 */
public record PerMilleFactor(String name, BigDecimal perMillePerMilligramPerLitre) {

    /**
     * The default: 2.27 ‰ per mg/L, the ratio between the paired limits of the Finnish Criminal Code
     * (rikoslaki 39/1889, chapter 23, sections 3 and 4): 0.5 ‰ or 0.22 mg/L (drunk driving), and
     * 1.2 ‰ or 0.53 mg/L (aggravated drunk driving). 0.22 × 2.27 = 0.4994 ≈ 0.5 and
     * 0.53 × 2.27 = 1.2031 ≈ 1.2.
     */
    public static final PerMilleFactor FINNISH_CRIMINAL_CODE = new PerMilleFactor("FI-RL-23", new BigDecimal("2.27"));

    /** 2.1 ‰ per mg/L: the 2100:1 partition ratio used in the UK and USA. */
    public static final PerMilleFactor PARTITION_2100 = new PerMilleFactor("2100:1", new BigDecimal("2.1"));

    public PerMilleFactor {
        name = Texts.check("name", name, 32);
        Objects.requireNonNull(perMillePerMilligramPerLitre, "perMillePerMilligramPerLitre");
        if (perMillePerMilligramPerLitre.signum() <= 0 || perMillePerMilligramPerLitre.compareTo(BigDecimal.TEN) > 0) {
            throw new IllegalArgumentException("factor must be above 0 and at most 10, was " + perMillePerMilligramPerLitre);
        }
    }
}
