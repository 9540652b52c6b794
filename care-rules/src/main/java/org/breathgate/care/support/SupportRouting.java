package org.breathgate.care.support;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.access.Role;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;

import java.util.Objects;
import java.util.Set;

/**
 * Where a parent's support request goes, and who may open and close it: the one place that routes a request by its
 * {@code need} (docs/protocol.md, "What a receiver does with support requests"; docs/care-workflow.md, "Support requests").
 *
 * <p>The route follows the need: {@code call_me} to the family's worker, {@code help_now} (and a request from an older
 * device, without a need) to the on-call list, {@code device_problem} to the technician.
 *
 * <p><b>Who that is.</b> The people are named by the service ({@link Reach}): the client's responsible workers and deputy,
 * and the service's on-call list; whether it is office hours decides whether the on-call list is reached for a
 * {@code call_me}:
 * <ul>
 *   <li>{@code worker} ({@code call_me}): the client's named workers; out of office hours the on-call list as well;</li>
 *   <li>{@code on_call} ({@code help_now}, or no need): the client's named workers and the on-call list, at any hour;</li>
 *   <li>{@code technician}: every technician, <em>and</em> every worker of the client's service (a device problem is also a
 *       family without a working device; the worker decides whether to call).</li>
 * </ul>
 * A client with no named workers has every substance-abuse worker of their service in that place, as alerts do (nothing is
 * lost to a missing setting). Another service's workers are never reached.
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

    /**
     * The people a client's requests can reach, as the service named them, and the hour.
     *
     * @param named       the client's responsible workers and deputy (user ids); empty: none named
     * @param onCall      the members of the client's service's on-call list (user ids)
     * @param officeHours whether it is now the service's office hours
     */
    public record Reach(Set<String> named, Set<String> onCall, boolean officeHours) {

        /** Nobody named, no on-call list: every worker of the client's service handles every route. */
        public static final Reach NOBODY_NAMED = new Reach(Set.of(), Set.of(), true);

        public Reach {
            named = Set.copyOf(named);
            onCall = Set.copyOf(onCall);
        }

        /** Whether {@code userId} is one of the family's own workers: named, or any worker when none is named. */
        boolean familyWorker(String userId) {
            return named.isEmpty() || named.contains(userId);
        }

        /** Whether {@code userId} is reached through the on-call list on {@code route} now. */
        boolean throughOnCall(String userId, Route route) {
            return onCall.contains(userId) && (route == Route.ON_CALL || (route == Route.WORKER && !officeHours));
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
     * Whether {@code actor} is one of the people a request of {@code client} on {@code route} goes to, when nobody is named
     * for the client and the service has no on-call list: every worker of the client's service.
     */
    public static Decision mayHandle(Actor actor, Route route, Client client) {
        return mayHandle(actor, route, client, Reach.NOBODY_NAMED);
    }

    /**
     * Whether {@code actor} is one of the people a request of {@code client} on {@code route} goes to, given who the service
     * named ({@code reach}): may see it in their list of support requests, open it (the parent hears it was seen) and close it.
     */
    public static Decision mayHandle(Actor actor, Route route, Client client, Reach reach) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(reach, "reach");
        switch (actor.role()) {
            case SUBSTANCE_ABUSE_WORKER:
                if (!client.substanceAbuseOrganisationId().equals(actor.organisationId())) {
                    return Decision.of(ReasonCode.DENIED_OTHER_ORGANISATION);
                }
                if (route == Route.TECHNICIAN || reach.familyWorker(actor.userId())) {
                    return Decision.of(ReasonCode.ALLOWED_OWN_ORGANISATION);
                }
                if (reach.throughOnCall(actor.userId(), route)) {
                    return new Decision(true, ReasonCode.ALLOWED_FOR_ROLE, "on the service's on-call list", null);
                }
                return new Decision(false, ReasonCode.DENIED_ROLE, route == Route.WORKER && reach.onCall().contains(actor.userId())
                        ? "a call-me request reaches the on-call list only out of office hours"
                        : "the request goes to the client's named workers and the on-call list", null);
            case TECHNICIAN:
                return Decision.of(route == Route.TECHNICIAN ? ReasonCode.ALLOWED_FOR_ROLE : ReasonCode.DENIED_ROLE);
            default:
                return Decision.of(ReasonCode.DENIED_ROLE);
        }
    }

    /** As {@link #replyRole(Actor, Route, Reach)} with nobody named: a technician or a worker. */
    public static SupportReply.Role replyRole(Actor actor) {
        return actor.role() == Role.TECHNICIAN ? SupportReply.Role.TECHNICIAN : SupportReply.Role.WORKER;
    }

    /**
     * Who the device is told saw or closed the request: a role, never a name. A technician is {@code technician}; a member
     * of the on-call list who is reached through that list (not one of the family's named workers) is {@code on_call};
     * any other worker of the service is {@code worker}.
     */
    public static SupportReply.Role replyRole(Actor actor, Route route, Reach reach) {
        if (actor.role() == Role.TECHNICIAN) {
            return SupportReply.Role.TECHNICIAN;
        }
        String id = actor.userId();
        if (route != Route.TECHNICIAN && reach.throughOnCall(id, route) && !reach.named().contains(id)) {
            return SupportReply.Role.ON_CALL;
        }
        return SupportReply.Role.WORKER;
    }
}
