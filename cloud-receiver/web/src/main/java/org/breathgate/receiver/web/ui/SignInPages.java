package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.breathgate.receiver.care.signin.ProviderSignIn;
import org.breathgate.receiver.care.signin.Session;
import org.breathgate.receiver.care.signin.SignIn;
import org.breathgate.receiver.care.signin.SignInSettings;
import org.breathgate.receiver.care.signin.oidc.OidcProvider;
import org.breathgate.receiver.care.signin.oidc.OidcRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The sign-in pages: the login page (password form, a button per identity provider, the parents' way in), the second factor
 * (a code of the authenticator app, or a recovery code), setting up an authenticator the first time a worker signs in, the
 * recovery codes shown once, and signing in through an OpenID Connect provider ({@code /login/oidc/<id>} and its callback
 * {@value #CALLBACK_PATH}), with a parent's one-time code ({@code /login/parent}). The checks and the audit are the care
 * room's {@link SignIn} and {@link ProviderSignIn}; the session is {@link WebAuth}'s.
 *
 * <p>Leaving for a provider, and coming back, go through a page of ours that moves on by itself ({@code <meta http-equiv=refresh>}
 * and a link): the pages' {@code form-action 'self'} does not let a form's answer redirect to another site, and the session
 * cookie ({@code SameSite=Strict}) is sent only on a navigation that starts on our own site, not on the provider's redirect.
 * The callback is tied to the browser that started the sign-in by a short-lived {@code SameSite=Lax} cookie.
 */
public final class SignInPages implements HttpsRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(SignInPages.class);

    /** The redirect URI's path, registered at every provider: {@code <web.public-url>/login/oidc/callback}. */
    public static final String CALLBACK_PATH = "/login/oidc/callback";
    /** Where a provider sends the browser back after signing out there (registered too). */
    public static final String AFTER_LOGOUT_PATH = "/login?signed_out=1";
    /** The cookie tying a sign-in at a provider to this browser (SameSite=Lax: it must come back with the provider's redirect). */
    public static final String FLOW_COOKIE = "__Host-breathgate_signin";
    private static final String PARENT_CODE_STEP = "parent_code";
    private static final Set<String> REASONS = Set.of("state_unknown", "browser_mismatch", "provider_error", "provider_unreachable",
            "token_request_failed", "id_token_invalid", "wrong_issuer", "wrong_audience", "expired", "wrong_nonce", "unsigned_token",
            "bad_signature", "mfa_missing", "unknown_subject", "unverified_email", "organisation_not_allowed", "identity_code_missing",
            "invitation_invalid", "unknown_provider");

    private final WebAuth auth;
    private final ProviderSignIn providers;
    private final Pages pages;

    public SignInPages(WebAuth auth, ProviderSignIn providers, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.pages = new Pages(auth, zone);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(WebAuth.LOGIN_PATH, this::login);
        routes.get(CALLBACK_PATH, this::callback); // before /login/oidc/{provider}, which it would also match
        routes.get("/login/oidc/{provider}", this::startAtProvider);
        routes.get("/login/parent", this::parentForm);
        routes.post("/login/parent", this::parentCode);
        routes.get(WebAuth.SECOND_FACTOR_PATH, this::secondFactorForm);
        routes.post(WebAuth.SECOND_FACTOR_PATH, this::secondFactor);
        routes.get(WebAuth.SECOND_FACTOR_SETUP_PATH, this::setupForm);
        routes.post(WebAuth.SECOND_FACTOR_SETUP_PATH, this::setup);
    }

    // ------------------------------------------------------------------ the login page

    private void login(Context ctx) {
        Lang lang = pages.lang(ctx);
        if (auth.actor(ctx).isPresent() && ctx.queryParam("error") == null) {
            ctx.redirect("/", HttpStatus.SEE_OTHER);
            return;
        }
        Map<String, Object> model = pages.model(ctx, null, lang, "login.title");
        model.put("csrf", auth.csrfToken(ctx));
        String next = WebAuth.safeNext(ctx.queryParam("next"));
        model.put("next", next == null ? "" : next);
        String nextQuery = next == null ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        String error = ctx.queryParam("error");
        if (error != null && Set.of("failed", "slowed", "busy", "expired").contains(error)) {
            model.put("errorKey", "login.error." + error);
            String wait = ctx.queryParam("wait");
            model.put("wait", wait != null && wait.matches("\\d{1,6}") ? wait : "60");
        }
        if (ctx.queryParam("signed_out") != null) {
            model.put("noticeKey", "login.signed_out");
        }
        model.put("demoNoSecondFactor", auth.care().settings().secondFactor() == SignInSettings.SecondFactor.OFF_DEMO_ONLY);
        model.put("staffProviders", links(OidcProvider.Audience.STAFF, nextQuery));
        model.put("parentProviders", links(OidcProvider.Audience.PARENTS, nextQuery));
        pages.render(ctx, 200, "login", model, lang);
    }

    private List<Map<String, String>> links(OidcProvider.Audience audience, String nextQuery) {
        return providers.providers().stream().filter(p -> p.audience() == audience)
                .map(p -> Map.of("id", p.id(), "name", p.name(), "href", "/login/oidc/" + p.id() + nextQuery)).toList();
    }

    // ------------------------------------------------------------------ identity providers

    private void startAtProvider(Context ctx) {
        String next = next(ctx, false);
        String providerId = ctx.pathParam("provider");
        String invitation = null;
        if ("1".equals(ctx.queryParam("with_code"))) {
            Optional<Session.Pending> code = auth.pending(ctx).filter(p -> p.step().equals(PARENT_CODE_STEP));
            if (code.isEmpty()) {
                ctx.redirect("/login/parent?error=expired", HttpStatus.SEE_OTHER);
                return;
            }
            invitation = code.get().userId();
            auth.pend(ctx, null);
        }
        ProviderSignIn.Started started;
        try {
            started = providers.start(providerId, next, invitation, pages.lang(ctx).code());
        } catch (OidcRefusal e) {
            LOG.warn("sign-in at {} not started: {}", providerId, e.getMessage());
            refusedPage(ctx, e.reason(), next);
            return;
        }
        ctx.res().addHeader("Set-Cookie", FLOW_COOKIE + "=" + started.binding() + "; Path=/; Max-Age="
                + ProviderSignIn.FLOW_LIFETIME.getSeconds() + "; Secure; HttpOnly; SameSite=Lax");
        ctx.redirect(started.authorization().toString(), HttpStatus.SEE_OTHER);
    }

    private void callback(Context ctx) {
        ProviderSignIn.Result result = providers.finish(ctx.queryParam("state"), ctx.queryParam("code"), ctx.queryParam("error"),
                ctx.cookie(FLOW_COOKIE), auth.source(ctx));
        ctx.res().addHeader("Set-Cookie", FLOW_COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
        if (result instanceof ProviderSignIn.SignedIn signedIn) {
            auth.signIn(ctx, signedIn.actor(), "oidc:" + signedIn.providerId(), signedIn.providerId(), signedIn.idToken());
            String to = WebAuth.safeNext(signedIn.next());
            continuePage(ctx, signedIn.actor(), "login.continue.title", "login.continue.text", to == null ? "/" : to);
            return;
        }
        refusedPage(ctx, ((ProviderSignIn.Refused) result).reason(), result.next());
    }

    /** A page that moves on to {@code to} by itself (and has a link to it): see the class comment for why not a redirect. */
    private void continuePage(Context ctx, org.breathgate.care.access.Actor me, String titleKey, String textKey, String to) {
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, me, lang, titleKey);
        model.put("textKey", textKey);
        model.put("to", to);
        pages.render(ctx, 200, "continue", model, lang);
    }

    private void refusedPage(Context ctx, String reason, String next) {
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, null, lang, "signin.refused.title");
        model.put("reasonKey", "signin.refused." + (REASONS.contains(reason) ? reason : "id_token_invalid"));
        model.put("reason", reason);
        String n = WebAuth.safeNext(next);
        model.put("loginHref", WebAuth.LOGIN_PATH + (n == null ? "" : "?next=" + URLEncoder.encode(n, StandardCharsets.UTF_8)));
        pages.render(ctx, 403, "signin_refused", model, lang);
    }

    // ------------------------------------------------------------------ a parent's one-time code

    private void parentForm(Context ctx) {
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, null, lang, "parent_code.title");
        model.put("csrf", auth.csrfToken(ctx));
        List<Map<String, String>> parents = links(OidcProvider.Audience.PARENTS, "");
        model.put("available", !parents.isEmpty());
        String error = ctx.queryParam("error");
        if ("invalid".equals(error) || "expired".equals(error)) {
            model.put("errorKey", "parent_code.error." + error);
        }
        pages.render(ctx, 200, "parent_code", model, lang);
    }

    private void parentCode(Context ctx) {
        if (!auth.csrfMatches(ctx, ctx.formParam(WebAuth.CSRF_FIELD))) {
            ctx.redirect("/login/parent?error=expired", HttpStatus.SEE_OTHER);
            return;
        }
        Optional<OidcProvider> provider = providers.providers().stream().filter(p -> p.audience() == OidcProvider.Audience.PARENTS).findFirst();
        Optional<String> hash = provider.isEmpty() ? Optional.empty() : providers.parentCodeUsable(ctx.formParam("code"), auth.source(ctx));
        if (hash.isEmpty()) {
            ctx.redirect("/login/parent?error=invalid", HttpStatus.SEE_OTHER);
            return;
        }
        auth.pend(ctx, new Session.Pending(hash.get(), PARENT_CODE_STEP, null, auth.care().now().plus(ProviderSignIn.FLOW_LIFETIME)));
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, null, lang, "parent_code.title");
        model.put("textKey", "parent_code.accepted");
        model.put("to", "/login/oidc/" + provider.get().id() + "?with_code=1");
        model.put("providerName", provider.get().name());
        pages.render(ctx, 200, "continue", model, lang);
    }

    // ------------------------------------------------------------------ second factor

    private static String next(Context ctx, boolean form) {
        return WebAuth.safeNext(form ? ctx.formParam("next") : ctx.queryParam("next"));
    }

    private static String withNext(String path, String next, String error) {
        StringBuilder s = new StringBuilder(path);
        char sep = '?';
        if (error != null) {
            s.append(sep).append("error=").append(error);
            sep = '&';
        }
        if (next != null) {
            s.append(sep).append("next=").append(URLEncoder.encode(next, StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    /** The half-done sign-in of {@code step}, or a redirect to the login page (it lapsed, or never began). */
    private Optional<Session.Pending> pending(Context ctx, String step, String next) {
        Optional<Session.Pending> p = auth.pending(ctx).filter(x -> x.step().equals(step));
        if (p.isEmpty()) {
            ctx.redirect(WebAuth.loginUrl("expired", next), HttpStatus.SEE_OTHER);
        }
        return p;
    }

    private void secondFactorForm(Context ctx) {
        String next = next(ctx, false);
        if (pending(ctx, Session.Pending.TOTP, next).isEmpty()) {
            return;
        }
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, null, lang, "second_factor.title");
        model.put("csrf", auth.csrfToken(ctx));
        model.put("next", next == null ? "" : next);
        if ("failed".equals(ctx.queryParam("error"))) {
            model.put("errorKey", "second_factor.error.failed");
        }
        pages.render(ctx, 200, "second_factor", model, lang);
    }

    private void secondFactor(Context ctx) {
        String next = next(ctx, true);
        if (!auth.csrfMatches(ctx, ctx.formParam(WebAuth.CSRF_FIELD))) {
            ctx.redirect(WebAuth.loginUrl("expired", next), HttpStatus.SEE_OTHER);
            return;
        }
        Optional<Session.Pending> p = pending(ctx, Session.Pending.TOTP, next);
        if (p.isEmpty()) {
            return;
        }
        SignIn.Attempt attempt = auth.care().secondFactor(p.get().userId(), ctx.formParam("code"), auth.source(ctx));
        switch (attempt.outcome()) {
            case SIGNED_IN:
                auth.signIn(ctx, attempt.actor(), attempt.method(), null, null);
                ctx.redirect(next == null ? "/" : next, HttpStatus.SEE_OTHER);
                return;
            case SLOWED:
                auth.pend(ctx, null);
                ctx.redirect(auth.slowedUrl(attempt.retryAt(), next), HttpStatus.SEE_OTHER);
                return;
            default:
                ctx.redirect(withNext(WebAuth.SECOND_FACTOR_PATH, next, "failed"), HttpStatus.SEE_OTHER);
        }
    }

    private void setupForm(Context ctx) {
        String next = next(ctx, false);
        Optional<Session.Pending> p = pending(ctx, Session.Pending.TOTP_SETUP, next);
        if (p.isEmpty()) {
            return;
        }
        // The secret is shown on this page only: it was made at the password step and is kept sealed in the session.
        SignIn.TotpSetup setup = auth.care().reopenTotp(p.get().userId(), p.get().secret());
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, null, lang, "second_factor.setup.title");
        model.put("csrf", auth.csrfToken(ctx));
        model.put("next", next == null ? "" : next);
        model.put("secret", grouped(setup.base32()));
        model.put("otpauth", setup.otpauthUri());
        model.put("userId", p.get().userId());
        if ("failed".equals(ctx.queryParam("error"))) {
            model.put("errorKey", "second_factor.error.failed");
        }
        pages.render(ctx, 200, "second_factor_setup", model, lang);
    }

    private void setup(Context ctx) {
        String next = next(ctx, true);
        if (!auth.csrfMatches(ctx, ctx.formParam(WebAuth.CSRF_FIELD))) {
            ctx.redirect(WebAuth.loginUrl("expired", next), HttpStatus.SEE_OTHER);
            return;
        }
        Optional<Session.Pending> p = pending(ctx, Session.Pending.TOTP_SETUP, next);
        if (p.isEmpty()) {
            return;
        }
        SignIn.Attempt attempt = auth.care().confirmTotp(p.get().userId(), p.get().secret(), ctx.formParam("code"), auth.source(ctx));
        switch (attempt.outcome()) {
            case SIGNED_IN:
                auth.signIn(ctx, attempt.actor(), attempt.method(), null, null);
                Lang lang = pages.lang(ctx);
                // Shown once, in the answer to this POST: kept nowhere in clear.
                Map<String, Object> model = pages.model(ctx, attempt.actor(), lang, "recovery_codes.title");
                model.put("codes", attempt.recoveryCodes());
                model.put("continueTo", next == null ? "/" : next);
                pages.render(ctx, 200, "recovery_codes", model, lang);
                return;
            case SLOWED:
                auth.pend(ctx, null);
                ctx.redirect(auth.slowedUrl(attempt.retryAt(), next), HttpStatus.SEE_OTHER);
                return;
            default:
                ctx.redirect(withNext(WebAuth.SECOND_FACTOR_SETUP_PATH, next, "failed"), HttpStatus.SEE_OTHER);
        }
    }

    /** {@code ABCDEFGH...} as {@code ABCD EFGH ...}, easier to type into an app. */
    static String grouped(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(s, i, Math.min(s.length(), i + 4));
        }
        return out.toString();
    }
}
