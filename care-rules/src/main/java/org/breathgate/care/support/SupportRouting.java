package org.breathgate.care.support;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.access.Role;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;

import java.util.Objects;

/**
 * Where a parent's support request goes, and who may open and close it: the one place that routes a request by its
 * {@code need} (docs/protocol.md, "What a receiver does with support requests"; docs/care-workflow.md, "Support requests").
 *
 * <p>The route follows the need: {@code call_me} to the family's worker, {@code help_now} (and a request from an older
 * device, without a need) to the on-call list, {@code device_problem} to the technician.
 *
 * <p><b>Who that is, today.</b> The receiver does not yet know a client's responsible workers, the on-call list or the
 * service's office hours (they are being built separately). Until it does, this class routes to people by role, one rule
 * per route, so the switch to named workers and an on-call list is made here and nowhere else:
 * <ul>
 *   <li>{@code worker} and {@code on_call}: every substance-abuse worker of the client's own service;</li>
 *   <li>{@code technician}: every technician, <em>and</em> the client's service's workers (a device problem is also a
 *       family without a working device; the worker decides whether to call).</li>
 * </ul>
 * A technician sees only the request (device, time, need), never results: the care rules keep their role away from clients.
 * Child-protection workers never see support requests (a request for help is not shared).
 */
public final class SupportRouting {

    /** Where a request goes. Its wire name is the {@code by} of a {@code support_reply}'s role when that role handles it. */
    public enum Route {
        /** The family's own worker, in the service's hours. */
        WORKER,
        /** The on-call list, at any hour. */
        ON_CALL,
        /** The service's technician. */
        TECHNICIAN;

        /** {@code worker}, {@code on_call}, {@code technician}: as stored and shown. */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The route stored as {@link #code()}. */
        public static Route fromCode(String code) {
            return valueOf(code.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private SupportRouting() {
    }

    /** The route of a request with {@code need}; {@code null} (an older device that sends no need) goes on call. */
    public static Route route(SupportNeed need) {
        if (need == null) {
            return Route.ON_CALL;
        }
        switch (need) {
            case CALL_ME:
                return Route.WORKER;
            case HELP_NOW:
                return Route.ON_CALL;
            case DEVICE_PROBLEM:
                return Route.TECHNICIAN;
            default:
                throw new IllegalStateException("unknown need " + need);
        }
    }

    /**
     * Whether {@code actor} is one of the people a request of {@code client} on {@code route} goes to: may see it in their
     * list of support requests, open it (the parent hears it was seen) and close it.
     */
    public static Decision mayHandle(Actor actor, Route route, Client client) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(client, "client");
        switch (actor.role()) {
            case SUBSTANCE_ABUSE_WORKER:
                return Decision.of(client.substanceAbuseOrganisationId().equals(actor.organisationId())
                        ? ReasonCode.ALLOWED_OWN_ORGANISATION : ReasonCode.DENIED_OTHER_ORGANISATION);
            case TECHNICIAN:
                return Decision.of(route == Route.TECHNICIAN ? ReasonCode.ALLOWED_FOR_ROLE : ReasonCode.DENIED_ROLE);
            default:
                return Decision.of(ReasonCode.DENIED_ROLE);
        }
    }

    /**
     * Who the device is told saw or closed the request: a role, never a name. A technician is {@code technician}; a
     * worker of the service is {@code worker}. ({@code on_call} is for a member of the on-call list, which the receiver
     * does not know yet: until it does, the service's workers answer the on-call route as themselves.)
     */
    public static SupportReply.Role replyRole(Actor actor) {
        return actor.role() == Role.TECHNICIAN ? SupportReply.Role.TECHNICIAN : SupportReply.Role.WORKER;
    }
}
