package org.breathgate.care.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.support.SupportRouting.Route;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.junit.jupiter.api.Test;

import java.util.Set;

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

    private static final Actor NAMED = Actor.substanceAbuseWorker("w-named", "sa-north");
    private static final Actor ON_CALL = Actor.substanceAbuseWorker("w-oncall", "sa-north");
    private static final Actor OTHER = Actor.substanceAbuseWorker("w-other", "sa-north");

    private static SupportRouting.Reach reach(boolean officeHours) {
        return new SupportRouting.Reach(Set.of("w-named"), Set.of("w-oncall"), officeHours);
    }

    private static boolean handles(Actor a, Route r, SupportRouting.Reach reach) {
        return SupportRouting.mayHandle(a, r, AINO, reach).allowed();
    }

    @Test
    void call_me_reaches_the_named_workers_in_office_hours_and_the_on_call_list_as_well_out_of_them() {
        assertEquals(true, handles(NAMED, Route.WORKER, reach(true)));
        assertEquals(false, handles(ON_CALL, Route.WORKER, reach(true)));
        assertEquals(false, handles(OTHER, Route.WORKER, reach(true)));
        assertEquals(true, handles(NAMED, Route.WORKER, reach(false)));
        assertEquals(true, handles(ON_CALL, Route.WORKER, reach(false)));
        assertEquals(false, handles(OTHER, Route.WORKER, reach(false)));
        assertEquals(SupportReply.Role.WORKER, SupportRouting.replyRole(NAMED, Route.WORKER, reach(false)));
        assertEquals(SupportReply.Role.ON_CALL, SupportRouting.replyRole(ON_CALL, Route.WORKER, reach(false)));
    }

    @Test
    void help_now_reaches_the_named_workers_and_the_on_call_list_at_any_hour() {
        for (boolean office : new boolean[] {true, false}) {
            assertEquals(true, handles(NAMED, Route.ON_CALL, reach(office)));
            assertEquals(true, handles(ON_CALL, Route.ON_CALL, reach(office)));
            assertEquals(false, handles(OTHER, Route.ON_CALL, reach(office)));
            assertEquals(SupportReply.Role.ON_CALL, SupportRouting.replyRole(ON_CALL, Route.ON_CALL, reach(office)));
            assertEquals(SupportReply.Role.WORKER, SupportRouting.replyRole(NAMED, Route.ON_CALL, reach(office)));
        }
    }

    @Test
    void a_named_worker_on_the_on_call_list_answers_as_the_familys_worker() {
        SupportRouting.Reach both = new SupportRouting.Reach(Set.of("w-named"), Set.of("w-named"), false);
        assertEquals(SupportReply.Role.WORKER, SupportRouting.replyRole(NAMED, Route.ON_CALL, both));
    }

    @Test
    void a_device_problem_still_reaches_technicians_and_every_worker_of_the_service() {
        assertEquals(true, handles(OTHER, Route.TECHNICIAN, reach(true)));
        assertEquals(true, handles(Actor.technician("t1"), Route.TECHNICIAN, reach(true)));
        assertEquals(false, handles(Actor.technician("t1"), Route.ON_CALL, reach(false)));
        assertEquals(SupportReply.Role.WORKER, SupportRouting.replyRole(ON_CALL, Route.TECHNICIAN, reach(false)));
        assertEquals(SupportReply.Role.TECHNICIAN, SupportRouting.replyRole(Actor.technician("t1"), Route.TECHNICIAN, reach(false)));
    }

    @Test
    void with_nobody_named_every_worker_of_the_service_is_the_familys_and_the_on_call_list_answers_as_on_call() {
        SupportRouting.Reach none = new SupportRouting.Reach(Set.of(), Set.of("w-oncall"), true);
        assertEquals(true, handles(OTHER, Route.WORKER, none));
        assertEquals(SupportReply.Role.WORKER, SupportRouting.replyRole(ON_CALL, Route.WORKER, none));
        assertEquals(SupportReply.Role.ON_CALL, SupportRouting.replyRole(ON_CALL, Route.ON_CALL, none));
        assertEquals(false, handles(Actor.substanceAbuseWorker("w-far", "sa-south"), Route.ON_CALL, none));
    }
}
