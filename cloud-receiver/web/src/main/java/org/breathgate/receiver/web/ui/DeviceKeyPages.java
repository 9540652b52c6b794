package org.breathgate.receiver.web.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.receiver.care.export.VerificationBundle;
import org.breathgate.receiver.https.HttpsRoutes;
import org.breathgate.receiver.web.auth.WebAuth;

import java.util.Objects;

/**
 * Each device's public key history, at an address that needs a signed-in person: {@code /clients/{client}/device-keys.txt}
 * for the people who may open the client's timeline, {@code /me/device-keys.txt} for the parent (docs/ui.md). Plain text,
 * the same keys and fingerprints as the verification bundle; decided and audited in the care room
 * ({@link VerificationBundle#keyHistory}).
 */
public final class DeviceKeyPages implements HttpsRoutes {

    private final WebAuth auth;
    private final VerificationBundle bundles;

    public DeviceKeyPages(WebAuth auth, VerificationBundle bundles) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.bundles = Objects.requireNonNull(bundles, "bundles");
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/clients/{client}/device-keys.txt", ctx -> send(ctx, auth.requirePage(ctx), ctx.pathParam("client")));
        routes.get("/me/device-keys.txt", ctx -> {
            Actor me = auth.requirePage(ctx);
            if (me.clientId() == null) {
                ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found.\n");
                return;
            }
            send(ctx, me, me.clientId());
        });
    }

    private void send(Context ctx, Actor actor, String clientId) {
        String text;
        try {
            text = bundles.keyHistory(actor, clientId);
        } catch (AccessDeniedException | IllegalArgumentException e) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("Not found.\n"); // as a client that does not exist
            return;
        }
        ctx.header("Cache-Control", "no-store");
        ctx.status(200).contentType("text/plain; charset=utf-8").result(text);
    }
}
