package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.breathgate.receiver.care.signin.Session;
import org.breathgate.receiver.care.signin.SignIn;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sign-in pages past the password: the second factor (a code of the authenticator app, or a recovery code), setting up
 * an authenticator the first time a worker signs in, and the recovery codes shown once. The checks and the audit are the
 * care room's {@link SignIn}; the session is {@link WebAuth}'s.
 */
public final class SignInPages implements HttpsRoutes {

    private final WebAuth auth;
    private final Pages pages;

    public SignInPages(WebAuth auth, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.pages = new Pages(auth, zone);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(WebAuth.SECOND_FACTOR_PATH, this::secondFactorForm);
        routes.post(WebAuth.SECOND_FACTOR_PATH, this::secondFactor);
        routes.get(WebAuth.SECOND_FACTOR_SETUP_PATH, this::setupForm);
        routes.post(WebAuth.SECOND_FACTOR_SETUP_PATH, this::setup);
    }

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
