package org.breathgate.receiver.web.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.receiver.https.ApiException;

import java.util.Objects;
import java.util.function.Function;

/**
 * Around every API route that needs a signed-in caller: finds the actor (or answers 401), runs the route, and turns what the
 * care room refused or could not do into the route family's answer. The care room's gate decides and audits; this only
 * answers, so a route never decides access itself.
 *
 * @param signIn  the signed-in actor of a request, or an {@link ApiException} 401
 * @param refused how this family answers a refusal: 403 with the policy's code, or 404 where saying why would reveal
 *                that something exists
 * @param failed  how it answers an {@link IllegalArgumentException} or {@link IllegalStateException} from the care room,
 *                or {@code null} to let it fail the request as an internal error (500, logged)
 */
record ActorGuard(Function<Context, Actor> signIn, Refused refused, Function<RuntimeException, ApiException> failed) {

    /** A route's handler, given the signed-in actor. */
    @FunctionalInterface
    interface ActorHandler {
        void handle(Context ctx, Actor actor) throws Exception;
    }

    /** How a route family answers a refusal of the care gate. */
    @FunctionalInterface
    interface Refused {
        ApiException answer(Context ctx, Actor actor, AccessDeniedException e);
    }

    ActorGuard {
        Objects.requireNonNull(signIn, "signIn");
        Objects.requireNonNull(refused, "refused");
        Objects.requireNonNull(failed, "failed");
    }

    Handler around(ActorHandler handler) {
        return ctx -> {
            Actor actor = signIn.apply(ctx);
            try {
                handler.handle(ctx, actor);
            } catch (AccessDeniedException e) {
                throw refused.answer(ctx, actor, e);
            } catch (IllegalArgumentException | IllegalStateException e) {
                ApiException answer = failed.apply(e);
                throw answer == null ? e : answer;
            }
        };
    }

    /** A bad argument is the request's fault (400); a state the request cannot change is a conflict (409). */
    static ApiException invalidOrConflict(RuntimeException e) {
        return e instanceof IllegalStateException
                ? new ApiException(409, "conflict", e.getMessage())
                : new ApiException(400, "invalid_request", e.getMessage());
    }

    /** Nothing the care room could not do is the request's fault: it fails as an internal error. */
    static ApiException internalError(RuntimeException e) {
        return null;
    }
}
