package org.breathgate.care.access;

import org.breathgate.care.consent.ConsentVersion;

import java.util.Objects;

/**
 * What {@link AccessPolicy} decided, and why.
 *
 * @param allowed      whether the actor may do it
 * @param code         the reason, stable for logs and audit
 * @param reason       the reason in plain language
 * @param consentBasis the consent version an allowing decision rests on (for the audit entry), else {@code null}
 */
public record Decision(boolean allowed, ReasonCode code, String reason, ConsentVersion consentBasis) {

    public Decision {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        if (allowed != code.allows()) {
            throw new IllegalArgumentException(code + " does not " + (allowed ? "allow" : "deny"));
        }
        if (consentBasis != null && !allowed) {
            throw new IllegalArgumentException("a refusal rests on no consent");
        }
    }

    /** The decision for {@code code}, with its standard text. */
    public static Decision of(ReasonCode code) {
        return new Decision(code.allows(), code, code.text(), null);
    }

    static Decision byConsent(ReasonCode code, ConsentVersion basis) {
        return new Decision(true, code, code.text() + " (consent " + basis.consentId() + " v" + basis.version() + ")", basis);
    }
}
