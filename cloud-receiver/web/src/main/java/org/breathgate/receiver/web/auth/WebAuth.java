package org.breathgate.receiver.web.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import org.breathgate.care.access.Actor;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-in, sessions and CSRF protection for the receiver's web pages and REST API.
 *
 * <h2>How to use</h2>
 * <pre>{@code
 * WebAuth auth = new WebAuth(care.signIn(), SessionPolicy.DEFAULT, clock, new SecureRandom());
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
 *       303 to {@code next} (a local path; default {@code /}) with a <b>new</b> session cookie, or 303 to
 *       {@code /login?error=failed} (unknown user or wrong password: the same answer),
 *       {@code /login?error=locked} (too many failures) or {@code /login?error=expired} (the form's token is
 *       missing or stale: show the form again), each keeping {@code &next=}.</li>
 *   <li>{@code POST /logout} (form {@code _csrf}): ends the session, 303 to {@code /login?signed_out=1}.</li>
 *   <li>{@code POST /api/v1/session} (JSON {@code {"username","password"}}, {@code Content-Type: application/json}):
 *       200 {@code {"user":{...},"csrf_token":"...","expires_at":"..."}} and the session cookie; 401
 *       {@code login_failed}; 429 {@code login_locked} with {@code Retry-After}.</li>
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
 * Who someone is, and what the audit log keeps of it, is the care room's {@link SignIn}: login failures are counted per
 * account and per source address, a locked account is stored so a restart does not lift it, and
 * {@code login.succeeded}, {@code login.failed}, {@code account.locked}, {@code logout} and {@code session.expired} are
 * audited there.
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

    private static final String ATTRIBUTE = "breathgate.session";
    private static final Set<HandlerType> UNSAFE = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    private final SignIn signIn;
    private final SessionPolicy policy;
    private final Clock clock;
    private final SessionStore sessions;

    public WebAuth(SignIn signIn, SessionPolicy policy, Clock clock, SecureRandom random) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sessions = new SessionStore(policy, random);
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
        return Optional.ofNullable(state(ctx).live).map(WebSession::actor);
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
        State state = state(ctx);
        if (state.live == null) {
            Instant now = clock.instant();
            String id = sessions.create(null, now);
            setCookie(ctx, id);
            state.id = id;
            state.live = sessions.find(id, now).live();
        }
        return state.live.csrfToken();
    }

    /** Ends every session of {@code userId} at once (for account removal or a password change). */
    public int signOutEverywhere(String userId) {
        return sessions.removeUser(userId);
    }

    /** The session policy in force (the pages may show when a session ends). */
    public SessionPolicy policy() {
        return policy;
    }

    // ------------------------------------------------------------------ the before-handler

    /** What the before-handler found for this request. */
    private static final class State {
        String id;
        WebSession live;
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
            LOG.info("CSRF token missing or wrong: {} {} from {}", ctx.method(), path, ctx.ip());
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
        SessionStore.Lookup found = sessions.find(id, now);
        if (found.expired() != null && found.expired().signedIn()) {
            state.expired = true;
            signIn.sessionEnded(found.expired().actor(), now.isBefore(found.expired().createdAt().plus(policy.absoluteTimeout()))
                    ? "idle timeout" : "absolute timeout");
        }
        WebSession live = found.live();
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

    private static boolean tokenMatches(WebSession session, String submitted) {
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
        SignIn.Attempt attempt = signIn.attempt(ctx.formParam("username"), ctx.formParam("password"), source(ctx.ip()));
        if (attempt.outcome() != SignIn.Outcome.SIGNED_IN) {
            ctx.redirect(loginUrl(attempt.outcome() == SignIn.Outcome.LOCKED ? "locked" : "failed", next), HttpStatus.SEE_OTHER);
            return;
        }
        startSession(ctx, state, attempt.actor());
        ctx.redirect(next == null ? "/" : next, HttpStatus.SEE_OTHER);
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
        if (body == null || !body.isObject() || !body.path("username").isTextual() || !body.path("password").isTextual()) {
            throw new ApiException(400, "invalid_request", "send {\"username\": \"...\", \"password\": \"...\"}");
        }
        SignIn.Attempt attempt = signIn.attempt(body.get("username").asText(), body.get("password").asText(), source(ctx.ip()));
        if (attempt.outcome() == SignIn.Outcome.LOCKED) {
            long wait = Math.max(1, Duration.between(clock.instant(), attempt.lockedUntil()).toSeconds());
            throw new ApiException(429, "login_locked", "too many failed sign-ins; try again in " + ((wait + 59) / 60) + " minutes",
                    Map.of("Retry-After", Long.toString(wait)));
        }
        if (attempt.outcome() == SignIn.Outcome.FAILED) {
            throw new ApiException(401, "login_failed", "the user name or the password is not right");
        }
        State state = state(ctx);
        startSession(ctx, state, attempt.actor());
        HttpsServer.json(ctx, 200, sessionBody(state.live));
    }

    private void sessionInfo(Context ctx) {
        requireApi(ctx);
        HttpsServer.json(ctx, 200, sessionBody(state(ctx).live));
    }

    private void formLogout(Context ctx) {
        endSession(ctx);
        ctx.redirect(LOGIN_PATH + "?signed_out=1", HttpStatus.SEE_OTHER);
    }

    private void jsonLogout(Context ctx) {
        requireApi(ctx);
        endSession(ctx);
        ctx.status(204);
    }

    private void endSession(Context ctx) {
        State state = state(ctx);
        if (state.live != null) {
            sessions.remove(state.id);
            if (state.live.signedIn()) {
                signIn.signedOut(state.live.actor(), source(ctx.ip()));
            }
        }
        state.live = null;
        state.id = null;
        clearCookie(ctx);
    }

    /** Signs {@code actor} in with a brand-new session id; whatever session came with the request ends. */
    private void startSession(Context ctx, State state, Actor actor) {
        if (state.id != null) {
            sessions.remove(state.id);
        }
        Instant now = clock.instant();
        String id = sessions.create(actor, now);
        state.id = id;
        state.live = sessions.find(id, now).live();
        state.expired = false;
        setCookie(ctx, id);
    }

    /** The client address as an audit subject id (no spaces or control characters). */
    private static String source(String ip) {
        return ip == null || ip.isEmpty() ? "unknown-address" : ip.replaceAll("[\\s\\p{Cntrl}]", "_");
    }

    // ------------------------------------------------------------------ helpers

    private ObjectNode sessionBody(WebSession session) {
        ObjectNode out = JSON.createObjectNode();
        out.set("user", actorJson(session.actor()));
        out.put("csrf_token", session.csrfToken());
        out.put("expires_at", session.endsAt(policy).toString());
        out.put("idle_timeout_seconds", policy.idleTimeout().toSeconds());
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
    static String safeNext(String next) {
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

    private static String loginUrl(String error, String next) {
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
