package org.breathgate.receiver.web.auth;

/**
 * Thrown by {@link WebAuth#requirePage}: the {@link WebAuth} routes answer it with a redirect
 * ({@code 303}) to {@code /login?next=<the page>} ({@code &error=expired} when a session had just ended).
 */
public final class SignInRequired extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String next;
    private final boolean expired;

    SignInRequired(String next, boolean expired) {
        super("sign-in required for " + next, null, false, false);
        this.next = next;
        this.expired = expired;
    }

    /** The page to return to after signing in (a local path). */
    public String next() {
        return next;
    }

    /** Whether the visitor had a session that just ended (idle or absolute timeout). */
    public boolean expired() {
        return expired;
    }
}
