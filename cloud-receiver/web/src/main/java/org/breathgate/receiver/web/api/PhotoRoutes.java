package org.breathgate.receiver.web.api;

import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.care.photo.ReviewVerdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.breathgate.care.access.Actor;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.receiver.https.ApiException;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.https.HttpsServer;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The photo endpoints of the REST API (docs/identity.md), behind the sign-in of
 * {@code org.breathgate.receiver.web.auth.WebAuth}:
 *
 * <ul>
 *   <li>{@code GET /api/v1/photos/{device}/{seq}}: the JPEG of reading {@code device#seq} (audited);</li>
 *   <li>{@code GET /api/v1/photos/review-queue}: the photos waiting for review (JSON);</li>
 *   <li>{@code POST /api/v1/photos/{device}/{seq}/review}: {@code {"verdict": "matches"|"does_not_match"|"unclear",
 *       "note": "..."}} (JSON; the session's CSRF token in {@code X-CSRF-Token});</li>
 *   <li>{@code GET} and {@code PUT /api/v1/clients/{client}/reference-photo}: the client's reference photo
 *       ({@code image/jpeg} body).</li>
 * </ul>
 *
 * <p>Every refusal is answered 404 {@code not_found}, exactly like a photo that does not exist: a photo
 * URL tells someone without access nothing, not even that the photo exists. The audit log keeps the
 * real reason. Photo answers are never cached ({@code Cache-Control: no-store}).
 */
public final class PhotoRoutes implements HttpsRoutes {

    public static final String PREFIX = "/api/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<Context, Actor> signedIn;
    private final PhotoService photos;

    /**
     * @param signedIn the signed-in actor of a request, or an {@link ApiException} 401 (h2's
     *                 {@code WebAuth::requireApi})
     */
    public PhotoRoutes(Function<Context, Actor> signedIn, PhotoService photos) {
        this.signedIn = Objects.requireNonNull(signedIn, "signedIn");
        this.photos = Objects.requireNonNull(photos, "photos");
    }

    /** The URL of the photo of {@code deviceId#seq}, for pages and JSON. */
    public static String photoUrl(String deviceId, long seq) {
        return PREFIX + "/photos/" + deviceId + "/" + seq;
    }

    public static String referenceUrl(String clientId) {
        return PREFIX + "/clients/" + clientId + "/reference-photo";
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "/photos/review-queue", guard(this::queue));
        routes.get(PREFIX + "/photos/{device}/{seq}", guard(this::photo));
        routes.post(PREFIX + "/photos/{device}/{seq}/review", guard(this::review));
        routes.get(PREFIX + "/clients/{client}/reference-photo", guard(this::reference));
        routes.put(PREFIX + "/clients/{client}/reference-photo", guard(this::enrollReference));
    }

    private Handler guard(ActorGuard.ActorHandler handler) {
        return new ActorGuard(signedIn, (ctx, actor, e) -> notFound(), e -> {
            if (e instanceof IllegalStateException) {
                return ActorGuard.internalError(e);
            }
            return e.getMessage() != null && e.getMessage().startsWith("no client") ? notFound() : ActorGuard.invalidOrConflict(e);
        }).around(handler);
    }

    private static ApiException notFound() {
        return new ApiException(404, "not_found", "no such photo");
    }

    private void photo(Context ctx, Actor actor) {
        Optional<PhotoService.PhotoView> view = photos.view(actor, device(ctx), seq(ctx));
        if (view.isEmpty()) {
            throw notFound();
        }
        jpeg(ctx, view.get().jpeg());
    }

    private void queue(Context ctx, Actor actor) {
        ArrayNode items = JSON.createArrayNode();
        for (PhotoService.QueueItem item : photos.reviewQueue(actor)) {
            ObjectNode n = items.addObject();
            n.put("client", item.clientId());
            n.put("client_name", item.clientName());
            n.put("device", item.photo().deviceId());
            n.put("seq", item.photo().readingSeq());
            n.put("taken_at", item.photo().takenAt().toString());
            n.put("photo_url", photoUrl(item.photo().deviceId(), item.photo().readingSeq()));
            n.put("reference_enrolled", item.referenceEnrolled());
            if (item.referenceEnrolled()) {
                n.put("reference_url", referenceUrl(item.clientId()));
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("photos", items);
        HttpsServer.json(ctx, 200, out);
    }

    private void review(Context ctx, Actor actor) {
        JsonNode body = RequestBodies.jsonObject(ctx);
        JsonNode verdict = body.get("verdict");
        JsonNode note = body.get("note");
        if (verdict == null || !verdict.isTextual()) {
            throw new ApiException(400, "invalid_request", "verdict is required: matches, does_not_match or unclear");
        }
        if (note != null && !note.isNull() && !note.isTextual()) {
            throw new ApiException(400, "invalid_request", "note must be text");
        }
        PhotoService.Review r = photos.review(actor, device(ctx), seq(ctx), ReviewVerdict.fromWire(verdict.asText()),
                note == null || note.isNull() ? "" : note.asText());
        ObjectNode out = JSON.createObjectNode();
        out.put("verdict", r.verdict().wireName());
        out.put("note", r.note());
        out.put("reviewer", r.reviewer());
        out.put("reviewed_at", r.at().toString());
        HttpsServer.json(ctx, 200, out);
    }

    private void reference(Context ctx, Actor actor) {
        jpeg(ctx, photos.reference(actor, client(ctx)).orElseThrow(PhotoRoutes::notFound));
    }

    private void enrollReference(Context ctx, Actor actor) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("image/jpeg")) {
            throw new ApiException(415, "unsupported_media_type", "send the reference photo as image/jpeg");
        }
        photos.enrollReference(actor, client(ctx), boundedBody(ctx, MAX_REFERENCE_BYTES));
        ctx.status(204);
    }

    /**
     * A reference photo may be as large as a test photo, 512 KiB: more than the server's 64 KiB body limit for JSON, so this one
     * route reads its body itself, bounded.
     */
    static final int MAX_REFERENCE_BYTES = 512 * 1024;

    private static byte[] boundedBody(Context ctx, int max) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw new ApiException(413, "payload_too_large", "the reference photo may be at most " + (max / 1024) + " KiB");
        }
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw new ApiException(413, "payload_too_large", "the reference photo may be at most " + (max / 1024) + " KiB");
            }
            return body;
        } catch (java.io.IOException e) {
            throw new ApiException(400, "invalid_request", "the photo could not be read: " + e.getMessage());
        }
    }

    private static void jpeg(Context ctx, byte[] bytes) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Disposition", "inline");
        ctx.status(200).contentType("image/jpeg").result(bytes);
    }

    private static String device(Context ctx) {
        String device = ctx.pathParam("device");
        if (!DeviceIds.isValid(device)) {
            throw notFound();
        }
        return device;
    }

    private static long seq(Context ctx) {
        try {
            long seq = Long.parseLong(ctx.pathParam("seq"));
            if (seq >= 1) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw notFound();
    }

    private static String client(Context ctx) {
        String client = ctx.pathParam("client");
        if (client.isEmpty() || client.length() > 128 || !client.matches("[^\\s\\p{Cntrl}]+")) {
            throw notFound();
        }
        return client;
    }
}
