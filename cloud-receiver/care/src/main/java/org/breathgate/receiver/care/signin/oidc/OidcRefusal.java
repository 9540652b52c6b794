package org.breathgate.receiver.care.signin.oidc;

/**
 * A sign-in through an identity provider that must not go ahead: {@link #reason()} is a stable code (the audit log's, the
 * page's text key), the message what exactly was wrong (for the audit log and the service log, not for the person).
 */
public final class OidcRefusal extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public OidcRefusal(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public OidcRefusal(String reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    /** {@code wrong_issuer}, {@code wrong_audience}, {@code expired}, {@code wrong_nonce}, {@code unsigned_token}, ... */
    public String reason() {
        return reason;
    }
}
