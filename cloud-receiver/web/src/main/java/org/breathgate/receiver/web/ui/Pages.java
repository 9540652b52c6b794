package org.breathgate.receiver.web.ui;

import io.javalin.http.Context;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Role;
import org.breathgate.receiver.web.auth.WebAuth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The shared face of every page: the layout's fields (language, navigation, who is signed in, the CSRF
 * token), the templates and texts, and the response headers. Another feature's page (e.g. a photo review)
 * uses one {@code Pages} with a template that does {@code {% extends "layout" %}}:
 * <pre>{@code
 * Actor me = auth.requirePage(ctx);
 * Lang lang = pages.lang(ctx);
 * Map<String, Object> model = pages.model(ctx, me, lang, "photos.title");
 * model.put("photos", ...);
 * pages.render(ctx, 200, "photos", model, lang);   // ui/templates/photos.peb, texts in ui/i18n/messages_*.properties
 * }</pre>
 */
final class Pages {

    /**
     * The pages' policy: own stylesheet, images and one small script file ({@code /static/session.js}: the warning before the
     * idle sign-out, which asks {@code /api/v1/session}), forms only to us, nothing else: no inline script or style, no
     * other origin. Every page works without the script.
     */
    public static final String PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** The cookie remembering the reader's language choice. */
    public static final String LANG_COOKIE = "breathgate_lang";

    private final WebAuth auth;
    private final ZoneId zone;
    private final Messages messages = new Messages();
    private final Templates templates = new Templates(messages);

    public Pages(WebAuth auth, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    public Messages messages() {
        return messages;
    }

    /** The reader's language: the language cookie, else the browser's {@code Accept-Language}, else Finnish. */
    public Lang lang(Context ctx) {
        Optional<Lang> fromCookie = Lang.of(ctx.cookie(LANG_COOKIE));
        return fromCookie.orElseGet(() -> Lang.fromAcceptLanguage(ctx.header("Accept-Language")));
    }

    /**
     * The fields {@code layout.peb} needs: language and its switch links, the title key, the navigation for the
     * signed-in person ({@code me}, or {@code null} on the login page) and their CSRF token. Add the page's own fields.
     */
    public Map<String, Object> model(Context ctx, Actor me, Lang lang, String titleKey) {
        Map<String, Object> m = new HashMap<>();
        m.put("lang", lang.code());
        m.put("titleKey", titleKey);
        m.put("path", ctx.path());
        m.put("fmt", new Formats(lang, zone));
        List<Map<String, Object>> langs = new ArrayList<>();
        String back = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        for (Lang l : Lang.values()) {
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("code", l.code());
            link.put("href", "/lang/" + l.code() + "?back=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
            link.put("current", l == lang);
            langs.add(link);
        }
        m.put("languages", langs);
        if (me != null) {
            m.put("me", me);
            m.put("isWorker", me.role() == Role.SUBSTANCE_ABUSE_WORKER || me.role() == Role.CHILD_PROTECTION_WORKER);
            m.put("roleKey", "role." + me.role().name().toLowerCase(java.util.Locale.ROOT));
            m.put("csrf", auth.csrfToken(ctx));
            m.put("nav", nav(me, ctx.path()));
            long idle = auth.policy().idleTimeout().toSeconds();
            long warn = warningLead(idle);
            m.put("sessionSeconds", idle);
            m.put("sessionWarnSeconds", warn);
            m.put("sessionWarnMinutes", (warn + 59) / 60);
        }
        return m;
    }

    /**
     * How long before the idle sign-out the page warns: two minutes (WCAG 2.2.1 asks for at least 20 seconds to say "stay"),
     * or half the idle time when that is shorter.
     */
    static long warningLead(long idleSeconds) {
        return Math.min(120, idleSeconds / 2);
    }

    private List<Map<String, Object>> nav(Actor me, String path) {
        List<Map<String, Object>> items = new ArrayList<>();
        switch (me.role()) {
            case SUBSTANCE_ABUSE_WORKER:
            case CHILD_PROTECTION_WORKER:
                items.add(navItem("/caseload", "nav.caseload", path));
                items.add(navItem("/alerts", "nav.alerts", path));
                if (me.role() == Role.SUBSTANCE_ABUSE_WORKER) {
                    items.add(navItem("/photos/review", "nav.photos", path)); // PhotoReviewPage.PATH: identity review is theirs
                    items.add(navItem("/support", "nav.support", path)); // SupportPages.PATH: parents' support requests
                    items.add(navItem("/feedback", "nav.feedback", path)); // ParentPage.FEEDBACK_PATH: the parents' feedback
                }
                break;
            case TECHNICIAN:
                items.add(navItem("/devices", "nav.devices", path));
                break;
            case ADMINISTRATOR:
                items.add(navItem("/admin", "nav.admin", path)); // CasePages.ADMIN_PATH: their own first page
                items.add(navItem("/devices", "nav.devices", path));
                if (me.role() == Role.TECHNICIAN) {
                    items.add(navItem("/support", "nav.support", path)); // SupportPages.PATH: device problems
                }
                if (me.role() == Role.ADMINISTRATOR) {
                    items.add(navItem("/audit", "nav.audit", path)); // AuditPage
                    items.add(navItem("/feedback", "nav.feedback", path)); // ParentPage.FEEDBACK_PATH: feedback without names
                }
                break;
            case PARENT:
                items.add(navItem("/me", "nav.me", path));
                break;
            default:
                throw new IllegalStateException(me.role().name());
        }
        items.add(navItem("/account", "nav.account", path)); // AccountPages: everyone's own password and sign-in
        return items;
    }

    private static Map<String, Object> navItem(String href, String key, String path) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("href", href);
        item.put("key", key);
        item.put("current", path.equals(href));
        return item;
    }

    /** Renders {@code template} with the pages' Content-Security-Policy and language headers. */
    public void render(Context ctx, int status, String template, Map<String, Object> model, Lang lang) {
        ctx.status(status);
        ctx.header("Content-Security-Policy", PAGE_CSP);
        ctx.header("Content-Language", lang.code());
        ctx.contentType("text/html; charset=utf-8");
        ctx.result(templates.render(template, model, lang));
    }
}
