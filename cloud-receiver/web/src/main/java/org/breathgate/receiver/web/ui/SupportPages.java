package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.care.support.SupportRequests;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parents' support requests for the people they are routed to ({@value #PATH}): the list (the service's workers, and
 * technicians for device problems), one request opened ({@code /support/<device>/<seq>}: the first opening tells the
 * parent's device that someone has seen it) and closed with a note (the device is told it was dealt with). What is shown,
 * opened and closed is decided and audited in the care room ({@link SupportRequests}).
 */
public final class SupportPages implements HttpsRoutes {

    public static final String PATH = "/support";

    private final WebAuth auth;
    private final Pages pages;
    private final SupportRequests support;

    public SupportPages(WebAuth auth, SupportRequests support, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.pages = new Pages(auth, zone);
        this.support = Objects.requireNonNull(support, "support");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, this::list);
        routes.get(PATH + "/{device}/{seq}", this::open);
        routes.post(PATH + "/{device}/{seq}/close", this::close);
    }

    private void list(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, me, lang, "support.title");
        try {
            List<SupportRequests.Item> items = support.listFor(me);
            model.put("waiting", items.stream().filter(i -> i.state() == SupportRequests.State.OPEN).toList());
            model.put("seen", items.stream().filter(i -> i.state() == SupportRequests.State.SEEN).toList());
            model.put("closed", items.stream().filter(i -> i.state() == SupportRequests.State.CLOSED).toList());
            model.put("denied", false);
            pages.render(ctx, 200, "support", model, lang);
        } catch (AccessDeniedException e) {
            model.put("denied", true);
            pages.render(ctx, 403, "support", model, lang);
        }
    }

    private void open(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        String device = ctx.pathParam("device");
        long seq = seq(ctx.pathParam("seq"));
        if (!DeviceIds.isValid(device) || seq < 1) {
            notFound(ctx, me, lang);
            return;
        }
        Map<String, Object> model = pages.model(ctx, me, lang, "support.request.title");
        try {
            model.put("r", support.open(me, device, seq));
        } catch (AccessDeniedException | IllegalArgumentException e) {
            notFound(ctx, me, lang); // a request not routed to this person is answered as one that does not exist
            return;
        }
        model.put("closedNow", ctx.queryParam("closed") != null);
        pages.render(ctx, 200, "support_request", model, lang);
    }

    private void close(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        String device = ctx.pathParam("device");
        long seq = seq(ctx.pathParam("seq"));
        if (!DeviceIds.isValid(device) || seq < 1) {
            notFound(ctx, me, lang);
            return;
        }
        String note = ctx.formParam("note");
        try {
            support.close(me, device, seq, note == null ? "" : note);
        } catch (AccessDeniedException | IllegalArgumentException e) {
            notFound(ctx, me, lang);
            return;
        } catch (IllegalStateException e) {
            // closed already (by a colleague, or a second press): the page shows who closed it
        }
        ctx.redirect(PATH + "/" + device + "/" + seq + "?closed=1", HttpStatus.SEE_OTHER);
    }

    private void notFound(Context ctx, Actor me, Lang lang) {
        Map<String, Object> model = pages.model(ctx, me, lang, "support.missing.title");
        model.put("messageKey", "support.missing");
        pages.render(ctx, 404, "error", model, lang);
    }

    private static long seq(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
