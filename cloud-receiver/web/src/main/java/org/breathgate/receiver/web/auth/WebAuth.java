package org.breathgate.receiver.web.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import org.breathgate.care.access.Actor;
import org.breathgate.receiver.care.people.PasswordHashingBusy;
import org.breathgate.receiver.care.signin.Session;
import org.breathgate.receiver.care.signin.SessionPolicy;
import org.breathgate.receiver.care.signin.Sessions;
import org.breathgate.receiver.care.signin.SignIn;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Sign-in, sessions and CSRF protection for the receiver's web pages and REST API.
 *
 * <h2>How to use</h2>
 * <pre>{@code
 * WebAuth auth = new WebAuth(care.signIn(), clock, TrustedProxies.NONE, session -> Optional.empty());
 * HttpsServer.start(settings, identity, List.of(auth, new ApiRoutes(auth, ...), new UiRoutes(auth, ...)));
 * // auth must come first in the list: its before-handler resolves the session and enforces CSRF.
 *
 * // in a page handler (GET /clients):
 * Actor me = auth.requirePage(ctx);        // not signed in: 303 to /login?next=/clients
 * String token = auth.csrfToken(ctx);      // put in every form: <input type="hidden" name="_csrf" value="...">
 *
 * // the login page (GET /login) renders a form: POST /login with username, password, _csrf = auth.csrfToken(ctx)
 * // (this makes a pre-login session) and optionally next=/the/page.
 *
 * // in an API handler:
 * Actor me = auth.requireApi(ctx);         // not signed in: 401 {"error":"unauthenticated"}
 * }</pre>
 *
 * <h2>Routes it adds</h2>
 * <ul>
 *   <li>{@code POST /login} (form {@code username}, {@code password}, {@code _csrf}, optional {@code next}):
 *       303 to {@code next} (a local path; default {@code /}) with a <b>new</b> session cookie; for staff, 303 to
 *       {@value #SECOND_FACTOR_PATH} (or {@value #SECOND_FACTOR_SETUP_PATH} without an authenticator yet) with the
 *       half-done sign-in kept in the pre-login session; or 303 to {@code /login?error=failed} (unknown user or wrong
 *       password: the same answer), {@code /login?error=slowed&wait=N} (too many failures: wait N seconds),
 *       {@code /login?error=busy} or {@code /login?error=expired} (the form's token is missing or stale), each keeping
 *       {@code &next=}. The second-factor pages are the pages' ({@code web.ui}); they finish with {@link #signIn}.</li>
 *   <li>{@code POST /logout} (form {@code _csrf}): ends the session, 303 to {@code /login?signed_out=1}, or to the identity
 *       provider's end-session endpoint for a session that began there.</li>
 *   <li>{@code POST /api/v1/session} (JSON {@code {"username","password","totp"}}, {@code Content-Type: application/json}):
 *       200 {@code {"user":{...},"csrf_token":"...","expires_at":"..."}} and the session cookie; 401
 *       {@code login_failed}; 401 {@code second_factor_required} (staff: send {@code totp}, a code of the authenticator
 *       or a recovery code); 403 {@code second_factor_setup_required}; 429 {@code login_locked} with {@code Retry-After};
 *       503 {@code busy}.</li>
 *   <li>{@code GET /api/v1/session}: the same body for the current session, or 401.</li>
 *   <li>{@code DELETE /api/v1/session} (header {@code X-CSRF-Token}): 204, signed out.</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * Sessions are server-side ({@link SessionStore}), the cookie is {@value #COOKIE} ({@code Secure; HttpOnly;
 * SameSite=Strict; Path=/}, no {@code Domain}); signing in always issues a new session id and ends the
 * previous one (no fixation). A session ends after {@link SessionPolicy#idleTimeout()} without requests or
 * {@link SessionPolicy#absoluteTimeout()} after sign-in, measured with the injected clock, and when its
 * account is gone. Every {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} that comes with a live
 * session must carry that session's CSRF token as form field {@value #CSRF_FIELD} or header
 * {@value #CSRF_HEADER}, else 403 {@code csrf_failed} (the login endpoints check their own). Requests
 * without a session cookie are not CSRF-checked: they carry no ambient authority (device endpoints).
 * Sessions are in the database ({@link Sessions}), so a restart signs nobody out and every receiver on one database shares
 * them. Who someone is, and what the audit log keeps of it, is the care room's {@link SignIn}: failures slow further
 * attempts per account and address, per address and per account, in the database, and {@code login.succeeded},
 * {@code login.failed}, {@code login.slowed}, {@code logout} and {@code session.expired} are audited there. The client's
 * address is the connection's, or behind a {@link TrustedProxies trusted proxy} the one it forwards.
 */
public final class WebAuth implements HttpsRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WebAuth.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The session cookie. The {@code __Host-} prefix makes browsers refuse it unless Secure, Path=/ and without Domain. */
    public static final String COOKIE = "__Host-breathgate_session";
    /** The form field carrying the CSRF token. */
    public static final String CSRF_FIELD = "_csrf";
    /** The header carrying the CSRF token (API clients). */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Where the login form is (rendered by the pages) and posts to. */
    public static final String LOGIN_PATH = "/login";
    public static final String LOGOUT_PATH = "/logout";
    public static final String SESSION_API_PATH = "/api/v1/session";
    /** The pages of the second factor (rendered and handled by the pages). */
    public static final String SECOND_FACTOR_PATH = "/login/second-factor";
    public static final String SECOND_FACTOR_SETUP_PATH = "/login/second-factor/setup";

    private static final String ATTRIBUTE = "breathgate.session";
    private static final Set<HandlerType> UNSAFE = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private final SignIn signIn;
    private final Sessions sessions;
    private final SessionPolicy policy;
    private final Clock clock;
    private final TrustedProxies proxies;
    private final Function<Session, Optional<URI>> providerLogout;

    /**
     * @param proxies        reverse proxies whose {@code X-Forwarded-For} is believed
     * @param providerLogout where to send a browser whose session began at an identity provider, to end it there too
     */
    public WebAuth(SignIn signIn, Clock clock, TrustedProxies proxies, Function<Session, Optional<URI>> providerLogout) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.sessions = signIn.sessions();
        this.policy = sessions.policy();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.proxies = Objects.requireNonNull(proxies, "proxies");
        this.providerLogout = Objects.requireNonNull(providerLogout, "providerLogout");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.before(this::beforeRequest);
        routes.exception(SignInRequired.class, (e, ctx) -> ctx.redirect(loginUrl(e.expired() ? "expired" : null, e.next()),
                HttpStatus.SEE_OTHER));
        routes.post(LOGIN_PATH, this::formLogin);
        routes.post(LOGOUT_PATH, this::formLogout);
        routes.post(SESSION_API_PATH, this::jsonLogin);
        routes.get(SESSION_API_PATH, this::sessionInfo);
        routes.delete(SESSION_API_PATH, this::jsonLogout);
    }

    // ------------------------------------------------------------------ public face for pages and API

    /** Who is signed in on this request, if anyone. */
    public Optional<Actor> actor(Context ctx) {
        return Optional.ofNullable(state(ctx).live).map(Session::actor);
    }

    /** This request's session (signed in or pre-login), if any. */
    public Optional<Session> session(Context ctx) {
        return Optional.ofNullable(state(ctx).live);
    }

    /** The signed-in actor, or 401 {@code unauthenticated} (for API handlers). */
    public Actor requireApi(Context ctx) {
        return actor(ctx).orElseThrow(() -> new ApiException(401, "unauthenticated",
                state(ctx).expired ? "the session has ended; sign in again" : "sign in first (POST " + SESSION_API_PATH + ")"));
    }

    /** The signed-in actor, or a redirect to the login page that returns here afterwards (for page handlers). */
    public Actor requirePage(Context ctx) {
        Optional<Actor> actor = actor(ctx);
        if (actor.isPresent()) {
            return actor.get();
        }
        // A form sent after the session ended comes back to the first page, not to the form's address (which takes POSTs
        // only); the note typed into it waits in the browser (/static/session.js) for the page to be opened again.
        String next = ctx.method() == HandlerType.GET ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) : null;
        throw new SignInRequired(next == null ? null : safeNext(next), state(ctx).expired);
    }

    /**
     * The CSRF token to put in this request's forms (field {@value #CSRF_FIELD}). Makes a pre-login session
     * (and sets its cookie) when the visitor has none, so the login form is protected too.
     */
    public String csrfToken(Context ctx) {
        return ensureSession(ctx).csrfToken();
    }

    /** Whether {@code submitted} is this request's session's CSRF token (for the pages' own sign-in forms). */
    public boolean csrfMatches(Context ctx, String submitted) {
        State state = state(ctx);
        return state.live != null && tokenMatches(state.live, submitted);
    }

    /** The half-done sign-in of this request's pre-login session (password right, second factor to come), if it is still open. */
    public Optional<Session.Pending> pending(Context ctx) {
        State state = state(ctx);
        if (state.live == null || state.live.signedIn() || state.live.pending() == null
                || !clock.instant().isBefore(state.live.pending().until())) {
            return Optional.empty();
        }
        return Optional.of(state.live.pending());
    }

    /** Keeps {@code pending} (or with {@code null} clears it) in this request's pre-login session. */
    public void pend(Context ctx, Session.Pending pending) {
        ensureSession(ctx);
        State state = state(ctx);
        sessions.setPending(state.id, pending);
        state.live = sessions.find(state.id, clock.instant()).live();
    }

    /**
     * Signs {@code actor} in on this request with a brand-new session id (whatever session came with the request ends).
     *
     * @param method     how they signed in ({@code password}, {@code password+totp}, {@code oidc:<provider>})
     * @param providerId the identity provider, or {@code null}
     * @param idToken    the provider's ID token (for signing out there), or {@code null}
     */
    public void signIn(Context ctx, Actor actor, String method, String providerId, String idToken) {
        State state = state(ctx);
        String id = sessions.signIn(state.id, actor, method, providerId, idToken, clock.instant());
        state.id = id;
        state.live = sessions.find(id, clock.instant()).live();
        state.expired = false;
        setCookie(ctx, id);
    }

    /** The client's address as an audit subject id: the connection's, or behind a trusted proxy the forwarded one. */
    public String source(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        List<String> forwarded = Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
        String ip = proxies.client(peer, forwarded);
        return ip == null || ip.isEmpty() ? "unknown-address" : ip.replaceAll("[\\s\\p{Cntrl}]", "_");
    }

    /** Ends every session of {@code userId} at once (for account removal or a password change). */
    public int signOutEverywhere(String userId) {
        return sessions.removeUser(userId);
    }

    /** The session policy in force (the pages may show when a session ends). */
    public SessionPolicy policy() {
        return policy;
    }

    /** The care room's sign-in (the pages' second-factor and identity-provider steps use it). */
    public SignIn care() {
        return signIn;
    }

    // ------------------------------------------------------------------ the before-handler

    /** What the before-handler found for this request. */
    private static final class State {
        String id;
        Session live;
        boolean expired;
    }

    private State state(Context ctx) {
        State s = ctx.attribute(ATTRIBUTE);
        if (s == null) { // a handler ran without the before-handler (should not happen): resolve now
            s = resolve(ctx);
            ctx.attribute(ATTRIBUTE, s);
        }
        return s;
    }

    private Session ensureSession(Context ctx) {
        State state = state(ctx);
        if (state.live == null) {
            Instant now = clock.instant();
            String id = sessions.createPreLogin(now);
            setCookie(ctx, id);
            state.id = id;
            state.live = sessions.find(id, now).live();
        }
        return state.live;
    }

    private void beforeRequest(Context ctx) {
        State state = resolve(ctx);
        ctx.attribute(ATTRIBUTE, state);
        if (!UNSAFE.contains(ctx.method()) || state.live == null) {
            return;
        }
        String path = ctx.path();
        if (ctx.method() == HandlerType.POST && (path.equals(LOGIN_PATH) || path.equals(SESSION_API_PATH))) {
            return; // these check their own token (login) or replace the session (JSON login)
        }
        if (!tokenMatches(state.live, submittedToken(ctx))) {
            LOG.info("CSRF token missing or wrong: {} {} from {}", ctx.method(), path, source(ctx));
            throw new ApiException(403, "csrf_failed", "this request needs the session's CSRF token (form field "
                    + CSRF_FIELD + " or header " + CSRF_HEADER + ")");
        }
    }

    private State resolve(Context ctx) {
        State state = new State();
        String id = ctx.cookie(COOKIE);
        if (id == null) {
            return state;
        }
        Instant now = clock.instant();
        Sessions.Lookup found = sessions.find(id, now);
        if (found.expired() != null && found.expired().signedIn()) {
            state.expired = true;
            signIn.sessionEnded(found.expired().actor(), now.isBefore(found.expired().createdAt().plus(policy.absoluteTimeout()))
                    ? "idle timeout" : "absolute timeout");
        }
        Session live = found.live();
        if (live != null && live.signedIn() && !signIn.stillValid(live.actor())) {
            sessions.remove(id);
            live = null;
            state.expired = true;
        }
        state.id = live == null ? null : id;
        state.live = live;
        return state;
    }

    private static String submittedToken(Context ctx) {
        String header = ctx.header(CSRF_HEADER);
        if (header != null) {
            return header;
        }
        if (ctx.isFormUrlencoded() || ctx.isMultipartFormData()) {
            return ctx.formParam(CSRF_FIELD);
        }
        return null;
    }

    private static boolean tokenMatches(Session session, String submitted) {
        return submitted != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
                submitted.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ login and logout

    private void formLogin(Context ctx) {
        String next = safeNext(ctx.formParam("next"));
        State state = state(ctx);
        if (state.live == null || !tokenMatches(state.live, ctx.formParam(CSRF_FIELD))) {
            ctx.redirect(loginUrl("expired", next), HttpStatus.SEE_OTHER);
            return;
        }
        SignIn.Attempt attempt;
        try {
            attempt = signIn.password(ctx.formParam("username"), ctx.formParam("password"), source(ctx));
        } catch (PasswordHashingBusy e) {
            ctx.redirect(loginUrl("busy", next), HttpStatus.SEE_OTHER);
            return;
        }
        Instant now = clock.instant();
        switch (attempt.outcome()) {
            case SIGNED_IN:
                signIn(ctx, attempt.actor(), attempt.method(), null, null);
                ctx.redirect(next == null ? "/" : next, HttpStatus.SEE_OTHER);
                return;
            case SECOND_FACTOR:
                pend(ctx, new Session.Pending(attempt.pendingUserId(), Session.Pending.TOTP, null, now.plus(SignIn.PENDING_FOR)));
                ctx.redirect(SECOND_FACTOR_PATH + (next == null ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)),
                        HttpStatus.SEE_OTHER);
                return;
            case SECOND_FACTOR_SETUP:
                SignIn.TotpSetup setup = signIn.newTotp(attempt.pendingUserId());
                pend(ctx, new Session.Pending(attempt.pendingUserId(), Session.Pending.TOTP_SETUP, setup.sealed(),
                        now.plus(SignIn.PENDING_FOR.multipliedBy(2))));
                ctx.redirect(SECOND_FACTOR_SETUP_PATH + (next == null ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)),
                        HttpStatus.SEE_OTHER);
                return;
            case SLOWED:
                ctx.redirect(slowedUrl(attempt.retryAt(), next), HttpStatus.SEE_OTHER);
                return;
            default:
                ctx.redirect(loginUrl("failed", next), HttpStatus.SEE_OTHER);
        }
    }

    /** {@code /login?error=slowed&wait=N}: the pages say how long to wait. */
    public String slowedUrl(Instant retryAt, String next) {
        long wait = Math.max(1, Duration.between(clock.instant(), retryAt).toSeconds() + 1);
        return loginUrl("slowed", next) + (next == null ? "?" : "&") + "wait=" + wait;
    }

    private void jsonLogin(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            // A cross-site form cannot send application/json without a CORS preflight, which is never granted.
            throw new ApiException(415, "unsupported_media_type", "send the credentials as application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "the body is not JSON");
        }
        if (body == null || !body.isObject() || !body.path("username").isTextual() || !body.path("password").isTextual()
                || !(body.path("totp").isMissingNode() || body.path("totp").isNull() || body.path("totp").isTextual())) {
            throw new ApiException(400, "invalid_request", "send {\"username\": \"...\", \"password\": \"...\"} and, for staff,"
                    + " \"totp\": \"123456\"");
        }
        String source = source(ctx);
        SignIn.Attempt attempt;
        try {
            attempt = signIn.password(body.get("username").asText(), body.get("password").asText(), source);
            if (attempt.outcome() == SignIn.Outcome.SECOND_FACTOR && body.path("totp").isTextual()) {
                attempt = signIn.secondFactor(attempt.pendingUserId(), body.get("totp").asText(), source);
            }
        } catch (PasswordHashingBusy e) {
            throw new ApiException(503, "busy", e.getMessage(), Map.of("Retry-After", "1"));
        }
        switch (attempt.outcome()) {
            case SLOWED:
                long wait = Math.max(1, Duration.between(clock.instant(), attempt.retryAt()).toSeconds() + 1);
                throw new ApiException(429, "login_locked", "too many failed sign-ins; try again in " + wait + " seconds",
                        Map.of("Retry-After", Long.toString(wait)));
            case FAILED:
                throw new ApiException(401, "login_failed", "the user name, the password or the code is not right");
            case SECOND_FACTOR:
                throw new ApiException(401, "second_factor_required", "this account needs a code from its authenticator app: send"
                        + " \"totp\" with the password (or a recovery code)");
            case SECOND_FACTOR_SETUP:
                throw new ApiException(403, "second_factor_setup_required", "set up an authenticator app first: sign in once on the"
                        + " web page (" + LOGIN_PATH + ")");
            default:
                signIn(ctx, attempt.actor(), attempt.method(), null, null);
                HttpsServer.json(ctx, 200, sessionBody(state(ctx).live));
        }
    }

    private void sessionInfo(Context ctx) {
        requireApi(ctx);
        HttpsServer.json(ctx, 200, sessionBody(state(ctx).live));
    }

    private void formLogout(Context ctx) {
        Optional<URI> there = endSession(ctx);
        if (there.isPresent()) {
            // A form's answer may not redirect to another site (form-action 'self'): a page moves on by itself.
            ctx.status(200).contentType("text/html; charset=utf-8").header("Content-Security-Policy", "default-src 'none'; style-src 'self'")
                    .result("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url="
                            + escape(there.get().toString()) + "\"><title>Breathgate</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>"
                            + "<body><main><p><a id=\"provider-logout\" href=\"" + escape(there.get().toString()) + "\">"
                            + "Kirjaudu ulos myös tunnistuspalvelusta · Logga ut även från identifieringstjänsten · Sign out at the"
                            + " identity provider too</a></p></main></body></html>");
            return;
        }
        ctx.redirect(LOGIN_PATH + "?signed_out=1", HttpStatus.SEE_OTHER);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private void jsonLogout(Context ctx) {
        requireApi(ctx);
        endSession(ctx);
        ctx.status(204);
    }

    /** Ends this request's session; returns where to end it at the identity provider too, if it began there. */
    private Optional<URI> endSession(Context ctx) {
        State state = state(ctx);
        Optional<URI> there = Optional.empty();
        if (state.live != null) {
            sessions.remove(state.id);
            if (state.live.signedIn()) {
                signIn.signedOut(state.live.actor(), source(ctx));
                if (state.live.providerId() != null) {
                    there = providerLogout.apply(state.live);
                }
            }
        }
        state.live = null;
        state.id = null;
        clearCookie(ctx);
        return there;
    }

    // ------------------------------------------------------------------ helpers

    private ObjectNode sessionBody(Session session) {
        ObjectNode out = JSON.createObjectNode();
        out.set("user", actorJson(session.actor()));
        out.put("csrf_token", session.csrfToken());
        out.put("expires_at", session.endsAt(policy).toString());
        out.put("idle_timeout_seconds", policy.idleTimeout().toSeconds());
        out.put("method", session.method());
        return out;
    }

    /** {@code {"id", "role", "organisation_id", "client_id"}} of an actor, as the API shows it. */
    public static ObjectNode actorJson(Actor actor) {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", actor.userId());
        user.put("role", actor.role().name());
        user.put("organisation_id", actor.organisationId());
        user.put("client_id", actor.clientId());
        return user;
    }

    private static void setCookie(Context ctx, String id) {
        ctx.res().addHeader("Set-Cookie", COOKIE + "=" + id + "; Path=/; Secure; HttpOnly; SameSite=Strict");
    }

    private static void clearCookie(Context ctx) {
        ctx.res().addHeader("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
    }

    /** {@code next} if it is a local path (no scheme, no host, no {@code //}), else {@code null}: no open redirects. */
    public static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000 || !next.startsWith("/") || next.startsWith("//")
                || next.startsWith("/\\") || next.startsWith(LOGIN_PATH)) {
            return null;
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                return null;
            }
        }
        return next;
    }

    /** {@code /login?error=...&next=...}. */
    public static String loginUrl(String error, String next) {
        StringBuilder url = new StringBuilder(LOGIN_PATH);
        char sep = '?';
        if (error != null) {
            url.append(sep).append("error=").append(error);
            sep = '&';
        }
        if (next != null) {
            url.append(sep).append("next=").append(URLEncoder.encode(next, StandardCharsets.UTF_8));
        }
        return url.toString();
    }
}
