package org.breathgate.receiver.web.api;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.receiver.care.caseload.Caseloads;
import org.breathgate.receiver.https.ApiException;

import java.util.EnumSet;
import java.util.Set;

/**
 * How the API answers a refusal the care gate made (and audited): 403 with the access policy's code, unless the code would
 * reveal a client the actor cannot see at all (neither its timeline nor its consents): then 404, exactly like a client that
 * does not exist. The audit log keeps the real reason either way.
 */
public final class Refusals {

    /** Refusals that would tell the asker a client, consent or alert exists. */
    private static final Set<ReasonCode> HIDDEN = EnumSet.of(ReasonCode.DENIED_ROLE, ReasonCode.DENIED_OTHER_ORGANISATION,
            ReasonCode.DENIED_NOT_OWN_DATA, ReasonCode.DENIED_NO_CONSENT, ReasonCode.DENIED_NOT_IN_AUDIENCE);

    private Refusals() {
    }

    static ApiException answer(Caseloads caseloads, Decision d, Actor actor, String clientId) {
        if (hidesClient(caseloads, d, actor, clientId)) {
            return notFound("client");
        }
        return new ApiException(403, d.code().code(), d.reason());
    }

    /**
     * Whether refusal {@code d} must be answered exactly like a client that does not exist, because saying why would tell
     * {@code actor} that {@code clientId} exists (the pages answer alike too, web.ui.UiRoutes).
     */
    public static boolean hidesClient(Caseloads caseloads, Decision d, Actor actor, String clientId) {
        return HIDDEN.contains(d.code()) && (clientId == null || !caseloads.mayKnowOf(actor, clientId));
    }

    static ApiException notFound(String what) {
        return new ApiException(404, "not_found", "no such " + what + ", or not one you may see");
    }
}
