package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.breathgate.care.access.Actor;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsServer;
import org.breathgate.receiver.web.auth.WebAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;

/**
 * Errors answered by content negotiation on the people's listener: a browser that asks for HTML ({@code Accept:
 * text/html}) outside {@code /api/} gets a page in the reader's language, with a title and {@code lang} (WCAG 2.4.2,
 * 3.1.1); everything else, the REST API and its clients above all, keeps the JSON body {@code {"error", "message"}}
 * ({@link HttpsServer#error}). Registered after {@link HttpsServer}'s own handlers by {@link UiRoutes}, so it replaces them
 * for the same exception types; the devices' listener has no pages and answers JSON only.
 */
final class ErrorPages {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);

    private final Pages pages;
    private final WebAuth auth;

    ErrorPages(Pages pages, WebAuth auth) {
        this.pages = pages;
        this.auth = auth;
    }

    void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> {
            e.headers().forEach(ctx::header);
            answer(ctx, e.status(), e.code(), e.getMessage());
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), HttpsServer.statusCode(e.getStatus()),
                e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            answer(ctx, 500, "internal_error", "the receiver failed to handle this request; the admin can find it in the log");
        });
    }

    /** Whether this request is a browser's for a page: it accepts HTML and is not the API's. */
    static boolean wantsPage(Context ctx) {
        String accept = ctx.header("Accept");
        return !ctx.path().startsWith("/api/") && accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    private void answer(Context ctx, int status, String code, String message) {
        if (!wantsPage(ctx)) {
            HttpsServer.error(ctx, status, code, message);
            return;
        }
        String key = switch (code) {
            case "not_found", "method_not_allowed" -> "not_found";
            case "csrf_failed" -> "form_expired";
            case "too_large" -> "too_large";
            case "internal_error" -> "internal";
            default -> status >= 500 ? "internal" : "other";
        };
        Lang lang = pages.lang(ctx);
        Actor me = auth.actor(ctx).orElse(null);
        Map<String, Object> model = pages.model(ctx, me, lang, "error." + key + ".title");
        model.put("messageKey", "error." + key);
        pages.render(ctx, status, "error", model, lang);
    }
}
