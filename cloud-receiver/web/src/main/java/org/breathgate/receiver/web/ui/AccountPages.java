package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.people.PasswordHashingBusy;
import org.breathgate.receiver.care.signin.Accounts;
import org.breathgate.receiver.care.signin.Session;
import org.breathgate.receiver.care.signin.SignIn;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.api.PeopleRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A person's own account: accepting an invitation link (setting one's own password), changing the password, and, for a
 * substance-abuse worker, making a parent's one-time code for strong identification. Decided and audited in the care room.
 */
public final class AccountPages implements HttpsRoutes {

    private final WebAuth auth;
    private final Care care;
    private final Pages pages;

    public AccountPages(WebAuth auth, Care care, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.care = Objects.requireNonNull(care, "care");
        this.pages = new Pages(auth, zone);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PeopleRoutes.INVITATION_PATH, this::inviteForm);
        routes.post(PeopleRoutes.INVITATION_PATH, this::accept);
        routes.get("/account", this::account);
        routes.post("/account/password", this::changePassword);
        routes.get("/clients/{id}/parent-code", this::parentCodeForm);
        routes.post("/clients/{id}/parent-code", this::parentCode);
    }

    // ------------------------------------------------------------------ invitation

    private void inviteForm(Context ctx) {
        Lang lang = pages.lang(ctx);
        String code = ctx.queryParam("code");
        Map<String, Object> model = pages.model(ctx, null, lang, "invite.title");
        model.put("csrf", auth.csrfToken(ctx));
        model.put("code", code == null ? "" : code);
        model.put("usable", care.signIn().invitationUsable(code));
        model.put("min", SignIn.MIN_PASSWORD_LENGTH);
        String error = ctx.queryParam("error");
        if (error != null && java.util.Set.of("invalid", "mismatch", "short", "slowed", "busy").contains(error)) {
            model.put("errorKey", "invite.error." + error);
        }
        pages.render(ctx, 200, "invite", model, lang);
    }

    private void accept(Context ctx) {
        String code = ctx.formParam("code");
        String back = PeopleRoutes.INVITATION_PATH + "?code=" + URLEncoder.encode(code == null ? "" : code, StandardCharsets.UTF_8) + "&error=";
        if (!auth.csrfMatches(ctx, ctx.formParam(WebAuth.CSRF_FIELD))) {
            ctx.redirect(back + "invalid", HttpStatus.SEE_OTHER);
            return;
        }
        String password = ctx.formParam("password");
        if (password == null || !password.equals(ctx.formParam("again"))) {
            ctx.redirect(back + "mismatch", HttpStatus.SEE_OTHER);
            return;
        }
        if (password.length() < SignIn.MIN_PASSWORD_LENGTH || password.length() > 1024) {
            ctx.redirect(back + "short", HttpStatus.SEE_OTHER);
            return;
        }
        char[] chars = password.toCharArray();
        SignIn.Attempt attempt;
        try {
            attempt = care.signIn().acceptInvitation(code, chars, auth.source(ctx));
        } catch (PasswordHashingBusy e) {
            ctx.redirect(back + "busy", HttpStatus.SEE_OTHER);
            return;
        } finally {
            Arrays.fill(chars, '\0');
        }
        switch (attempt.outcome()) {
            case SIGNED_IN:
                auth.signIn(ctx, attempt.actor(), attempt.method(), null, null);
                ctx.redirect("/", HttpStatus.SEE_OTHER);
                return;
            case SECOND_FACTOR:
                auth.pend(ctx, new Session.Pending(attempt.pendingUserId(), Session.Pending.TOTP, null, care.signIn().now().plus(SignIn.PENDING_FOR)));
                ctx.redirect(WebAuth.SECOND_FACTOR_PATH, HttpStatus.SEE_OTHER);
                return;
            case SECOND_FACTOR_SETUP:
                SignIn.TotpSetup setup = care.signIn().newTotp(attempt.pendingUserId());
                auth.pend(ctx, new Session.Pending(attempt.pendingUserId(), Session.Pending.TOTP_SETUP, setup.sealed(),
                        care.signIn().now().plus(SignIn.PENDING_FOR.multipliedBy(2))));
                ctx.redirect(WebAuth.SECOND_FACTOR_SETUP_PATH, HttpStatus.SEE_OTHER);
                return;
            case SLOWED:
                ctx.redirect(back + "slowed", HttpStatus.SEE_OTHER);
                return;
            default:
                ctx.redirect(back + "invalid", HttpStatus.SEE_OTHER);
        }
    }

    // ------------------------------------------------------------------ own account

    private void account(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, me, lang, "account.title");
        Session session = auth.session(ctx).orElseThrow();
        model.put("method", session.method() == null ? "password" : session.method());
        model.put("provider", session.providerId());
        model.put("hasPassword", care.signIn().hasPassword(me.userId()));
        model.put("min", SignIn.MIN_PASSWORD_LENGTH);
        String done = ctx.queryParam("changed");
        if (done != null) {
            model.put("noticeKey", "account.password.changed");
        }
        String error = ctx.queryParam("error");
        if (error != null && java.util.Set.of("failed", "mismatch", "short", "slowed", "busy").contains(error)) {
            model.put("errorKey", "account.error." + error);
        }
        pages.render(ctx, 200, "account", model, lang);
    }

    private void changePassword(Context ctx) {
        Actor me = auth.requirePage(ctx);
        String next = ctx.formParam("password");
        if (next == null || !next.equals(ctx.formParam("again"))) {
            ctx.redirect("/account?error=mismatch", HttpStatus.SEE_OTHER);
            return;
        }
        if (next.length() < SignIn.MIN_PASSWORD_LENGTH || next.length() > 1024) {
            ctx.redirect("/account?error=short", HttpStatus.SEE_OTHER);
            return;
        }
        String current = ctx.formParam("current");
        char[] currentChars = current == null ? new char[0] : current.toCharArray();
        char[] nextChars = next.toCharArray();
        SignIn.Attempt attempt;
        try {
            attempt = care.signIn().changePassword(me, currentChars, nextChars, auth.source(ctx));
        } catch (PasswordHashingBusy e) {
            ctx.redirect("/account?error=busy", HttpStatus.SEE_OTHER);
            return;
        } finally {
            Arrays.fill(currentChars, '\0');
            Arrays.fill(nextChars, '\0');
        }
        switch (attempt.outcome()) {
            case SIGNED_IN:
                // Every session of the account ends (a thief's too); this browser gets a new one.
                Session session = auth.session(ctx).orElseThrow();
                auth.signOutEverywhere(me.userId());
                auth.signIn(ctx, me, session.method(), session.providerId(), session.idToken());
                ctx.redirect("/account?changed=1", HttpStatus.SEE_OTHER);
                return;
            case SLOWED:
                ctx.redirect("/account?error=slowed", HttpStatus.SEE_OTHER);
                return;
            default:
                ctx.redirect("/account?error=failed", HttpStatus.SEE_OTHER);
        }
    }

    // ------------------------------------------------------------------ a parent's one-time code (workers)

    private void parentCodeForm(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        String clientId = ctx.pathParam("id");
        Map<String, Object> model = pages.model(ctx, me, lang, "parent_code.worker.title");
        Client client = care.caseloads().client(clientId).orElse(null);
        if (client == null || me.role() != org.breathgate.care.access.Role.SUBSTANCE_ABUSE_WORKER
                || !client.substanceAbuseOrganisationId().equals(me.organisationId())) {
            model.put("reasonKey", "reason.denied.role");
            model.put("titleKey", "error.denied.title");
            pages.render(ctx, 403, "error", model, lang);
            return;
        }
        model.put("client", client);
        pages.render(ctx, 200, "parent_code_worker", model, lang);
    }

    private void parentCode(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        String clientId = ctx.pathParam("id");
        Accounts.Invited invited;
        try {
            invited = care.people().parentCode(me, clientId);
        } catch (AccessDeniedException e) {
            Map<String, Object> model = pages.model(ctx, me, lang, "error.denied.title");
            model.put("reasonKey", "reason." + e.decision().code().code());
            pages.render(ctx, 403, "error", model, lang);
            return;
        }
        // Shown once, in the answer to this POST: only its hash is kept.
        Map<String, Object> model = pages.model(ctx, me, lang, "parent_code.worker.title");
        model.put("client", care.caseloads().client(clientId).orElseThrow());
        model.put("code", invited.code());
        model.put("expiresAt", invited.expiresAt());
        pages.render(ctx, 200, "parent_code_worker", model, lang);
    }
}
