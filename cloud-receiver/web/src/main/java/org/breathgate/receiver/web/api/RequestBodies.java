package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import org.breathgate.receiver.https.ApiException;

import java.io.IOException;
import java.util.Locale;

/** How every API route reads a request body: one JSON object, or a typed 415/400 the client can act on. */
final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * The request's body as a JSON object.
     *
     * @throws ApiException 415 {@code unsupported_media_type} unless sent as {@code application/json}; 400
     *                      {@code invalid_request} when it is not JSON or not an object
     */
    static JsonNode jsonObject(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the body as application/json");
        }
        try {
            JsonNode n = ApiJson.JSON.readTree(ctx.body());
            if (n == null || !n.isObject()) {
                throw new ApiException(400, "invalid_request", "the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "the body is not JSON");
        }
    }
}
