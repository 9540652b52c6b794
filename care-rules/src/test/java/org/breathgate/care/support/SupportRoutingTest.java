package org.breathgate.care.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.support.SupportRouting.Route;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.junit.jupiter.api.Test;

class SupportRoutingTest {

    private static final Client AINO = Client.open("client-aino", "Aino", "sa-north");

    @Test
    void each_need_has_its_own_route_and_a_request_without_one_goes_on_call() {
        assertEquals(Route.WORKER, SupportRouting.route(SupportNeed.CALL_ME));
        assertEquals(Route.ON_CALL, SupportRouting.route(SupportNeed.HELP_NOW));
        assertEquals(Route.TECHNICIAN, SupportRouting.route(SupportNeed.DEVICE_PROBLEM));
        assertEquals(Route.ON_CALL, SupportRouting.route(null));
    }

    @Test
    void the_clients_own_service_handles_every_route_and_another_service_none() {
        for (Route r : Route.values()) {
            assertEquals(ReasonCode.ALLOWED_OWN_ORGANISATION, SupportRouting.mayHandle(Actor.substanceAbuseWorker("w1", "sa-north"), r, AINO).code());
            assertEquals(ReasonCode.DENIED_OTHER_ORGANISATION, SupportRouting.mayHandle(Actor.substanceAbuseWorker("w2", "sa-south"), r, AINO).code());
        }
    }

    @Test
    void a_technician_handles_device_problems_only() {
        Actor tech = Actor.technician("t1");
        assertEquals(ReasonCode.ALLOWED_FOR_ROLE, SupportRouting.mayHandle(tech, Route.TECHNICIAN, AINO).code());
        assertEquals(ReasonCode.DENIED_ROLE, SupportRouting.mayHandle(tech, Route.WORKER, AINO).code());
        assertEquals(ReasonCode.DENIED_ROLE, SupportRouting.mayHandle(tech, Route.ON_CALL, AINO).code());
    }

    @Test
    void child_protection_administrators_and_parents_never_handle_a_support_request() {
        for (Route r : Route.values()) {
            assertEquals(ReasonCode.DENIED_ROLE, SupportRouting.mayHandle(Actor.childProtectionWorker("c1", "sa-north"), r, AINO).code());
            assertEquals(ReasonCode.DENIED_ROLE, SupportRouting.mayHandle(Actor.administrator("a1"), r, AINO).code());
            assertEquals(ReasonCode.DENIED_ROLE, SupportRouting.mayHandle(Actor.parent("p1", "client-aino"), r, AINO).code());
        }
    }

    @Test
    void the_device_hears_a_role_never_a_name() {
        assertEquals(SupportReply.Role.TECHNICIAN, SupportRouting.replyRole(Actor.technician("t1")));
        assertEquals(SupportReply.Role.WORKER, SupportRouting.replyRole(Actor.substanceAbuseWorker("w1", "sa-north")));
    }
}
