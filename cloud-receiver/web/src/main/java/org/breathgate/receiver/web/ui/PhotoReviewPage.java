package org.breathgate.receiver.web.ui;

import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.care.photo.ReviewVerdict;
import org.breathgate.receiver.web.api.PhotoRoutes;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The review-queue page ({@value #PATH}) in the web UI's layout: each photo waiting for review beside
 * the client's reference photo, with matches / does not match / unclear and a note. The pictures are
 * loaded from the photo API ({@link PhotoRoutes}), so every look is checked and audited there.
 * For substance-abuse workers; anyone else is told the page is not part of their role.
 */
public final class PhotoReviewPage implements HttpsRoutes {

    public static final String PATH = "/photos/review";

    private final WebAuth auth;
    private final Pages pages;
    private final PhotoService photos;

    public PhotoReviewPage(WebAuth auth, PhotoService photos, ZoneId zone) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.pages = new Pages(auth, zone);
        this.photos = Objects.requireNonNull(photos, "photos");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(PATH, this::review);
    }

    private void show(Context ctx) {
        Actor me = auth.requirePage(ctx);
        Lang lang = pages.lang(ctx);
        Map<String, Object> model = pages.model(ctx, me, lang, "photos.review.title");
        List<PhotoService.QueueItem> queue;
        try {
            queue = photos.reviewQueue(me);
        } catch (AccessDeniedException e) {
            model.put("denied", true);
            model.put("items", List.of());
            pages.render(ctx, 403, "photo_review", model, lang);
            return;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (PhotoService.QueueItem q : queue) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", q.photo().deviceId() + "-" + q.photo().readingSeq());
            item.put("client", q.clientId());
            item.put("clientName", q.clientName());
            item.put("device", q.photo().deviceId());
            item.put("seq", q.photo().readingSeq());
            item.put("takenAt", q.photo().takenAt());
            item.put("photoUrl", PhotoRoutes.photoUrl(q.photo().deviceId(), q.photo().readingSeq()));
            item.put("referenceUrl", q.referenceEnrolled() ? PhotoRoutes.referenceUrl(q.clientId()) : null);
            items.add(item);
        }
        model.put("denied", false);
        model.put("items", items);
        model.put("saved", ctx.queryParam("saved") != null);
        pages.render(ctx, 200, "photo_review", model, lang);
    }

    private void review(Context ctx) {
        Actor me = auth.requirePage(ctx);
        String device = ctx.formParam("device");
        String seqText = ctx.formParam("seq");
        String verdict = ctx.formParam("verdict");
        String note = ctx.formParam("note");
        long seq;
        try {
            seq = Long.parseLong(seqText == null ? "" : seqText);
        } catch (NumberFormatException e) {
            seq = 0;
        }
        if (device == null || !DeviceIds.isValid(device) || seq < 1 || verdict == null) {
            ctx.redirect(PATH, HttpStatus.SEE_OTHER);
            return;
        }
        try {
            photos.review(me, device, seq, ReviewVerdict.fromWire(verdict), note == null ? "" : note);
        } catch (AccessDeniedException | IllegalArgumentException e) {
            // Not the worker's photo (or no such photo), or a note too long: back to the queue, nothing saved.
            ctx.redirect(PATH, HttpStatus.SEE_OTHER);
            return;
        }
        ctx.redirect(PATH + "?saved=1", HttpStatus.SEE_OTHER);
    }
}
