package org.breathgate.receiver.care;

import static org.breathgate.receiver.care.CareFixture.ADMIN;
import static org.breathgate.receiver.care.CareFixture.CP1;
import static org.breathgate.receiver.care.CareFixture.SA;
import static org.breathgate.receiver.care.CareFixture.SA_OTHER;
import static org.breathgate.receiver.care.CareFixture.TECH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.Actor;
import org.breathgate.care.support.SupportRouting.Route;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.receiver.care.support.SupportRequests;
import org.breathgate.receiver.care.support.SupportRequests.Item;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.routing.AlertRouting;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A parent's support requests on the service's side, on SQLite and PostgreSQL: routed by need to the people the
 * routing names, opened (seen) and closed through the gate, audited, and each change answered by a signed
 * {@code support_reply} that lists what docs/protocol.md says, with an {@code issued} later than the last.
 */
class SupportRequestsIT extends OnBothDatabases {

    private static final Instant PRESSED = Instant.parse("2026-02-20T07:58:00Z");
    private static final Instant FRIDAY_16 = Instant.parse("2026-02-20T14:00:00Z");
    private static final String TOPIC = "breathgate/v1/devices/home-0001/down/support_reply";

    private static void press(CareFixture f, long seq, SupportNeed need, Instant at) throws Exception {
        SampleMessages device = f.home.at(at);
        f.ingest(device.sign(new SupportRequest("home-0001", seq, device.clockFacts(), need, need != null)), at.plusSeconds(2));
    }

    /** The reply last published, verified as a device verifies it (the receiver's key, owner {@code receiver}). */
    private static SupportReply lastReply(CareFixture f) throws Exception {
        assertEquals(TOPIC, f.published.get(f.published.size() - 1));
        SignedMessage signed = new MessageVerifier(KeyResolver.of(TestKeys.receiver().verificationKey()))
                .verify(f.payloads.get(f.payloads.size() - 1), "receiver");
        return (SupportReply) signed.message();
    }

    private static List<String> refs(List<Item> items) {
        return items.stream().map(Item::ref).toList();
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void each_need_reaches_the_people_its_route_names_and_nobody_else(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            press(f, 1, SupportNeed.CALL_ME, PRESSED);
            press(f, 2, SupportNeed.HELP_NOW, PRESSED.plusSeconds(60));
            press(f, 3, SupportNeed.DEVICE_PROBLEM, PRESSED.plusSeconds(120));
            press(f, 4, null, PRESSED.plusSeconds(180)); // an older device: no need, routed on call

            List<Item> worker = f.care.support().listFor(SA);
            assertEquals(List.of("home-0001#4", "home-0001#3", "home-0001#2", "home-0001#1"), refs(worker));
            assertEquals(List.of(Route.ON_CALL, Route.TECHNICIAN, Route.ON_CALL, Route.WORKER), worker.stream().map(Item::route).toList());
            assertEquals("none", worker.get(0).needCode());
            assertEquals("Parent A", worker.get(0).clientName());

            List<Item> tech = f.care.support().listFor(TECH);
            assertEquals(List.of("home-0001#3"), refs(tech));
            assertNull(tech.get(0).clientName(), "a technician is not told who the client is");

            assertEquals(List.of(), f.care.support().listFor(SA_OTHER), "another service's worker sees none");
            for (Actor refused : List.of(CP1, ADMIN)) {
                assertThrows(AccessDeniedException.class, () -> f.care.support().listFor(refused));
            }
            assertEquals(5, f.auditCount("support_request.listed"));
            assertEquals(2, f.auditCount("access.denied"));
            assertEquals(List.of(), f.published, "listing tells the device nothing");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void opening_a_request_tells_the_device_it_was_seen_and_closing_it_that_it_was_dealt_with(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            press(f, 45, SupportNeed.HELP_NOW, PRESSED);
            press(f, 46, SupportNeed.CALL_ME, PRESSED.plusSeconds(600));
            f.clock.set(Instant.parse("2026-02-20T08:10:00Z"));

            Item seen = f.care.support().open(SA, "home-0001", 46);
            assertEquals(SupportRequests.State.SEEN, seen.state());
            SupportReply first = lastReply(f);
            assertEquals(List.of(SupportReply.Entry.seen(46, SupportReply.Role.WORKER, null, FRIDAY_16)), first.requests(),
                    "a request nobody opened (45) has no entry; seen on Friday at 10:10, contact before 16:00 Helsinki time");
            assertEquals(f.clock.instant(), first.issued());

            // Opening it again changes nothing and sends nothing.
            f.care.support().open(SA, "home-0001", 46);
            assertEquals(1, f.published.size());

            // Closing another in the same millisecond: the reply lists both, newest first, issued later than the last.
            f.care.support().close(SA, "home-0001", 45, "Called back, all well.");
            SupportReply second = lastReply(f);
            assertEquals(List.of(SupportReply.Entry.seen(46, SupportReply.Role.WORKER, null, FRIDAY_16),
                    SupportReply.Entry.closed(45, SupportReply.Role.WORKER)), second.requests());
            assertTrue(second.issued().isAfter(first.issued()), "a device ignores a reply no newer than the one it has");
            assertThrows(IllegalStateException.class, () -> f.care.support().close(SA, "home-0001", 45, "again"), "closed is final");

            // A day and a bit later the closed one has left the reply; a week later the seen one too.
            f.clock.set(f.clock.instant().plus(Duration.ofHours(25)));
            f.care.support().close(SA, "home-0001", 46, "");
            assertEquals(List.of(SupportReply.Entry.closed(46, SupportReply.Role.WORKER)), lastReply(f).requests());

            assertEquals(1, f.auditCount("support_request.opened"));
            assertEquals(1, f.auditCount("support_request.viewed"));
            assertEquals(2, f.auditCount("support_request.closed"));
            assertEquals(List.of(SupportRequests.State.CLOSED, SupportRequests.State.CLOSED),
                    f.care.support().ofParent(Actor.parent("parent-a", "client-a")).stream().map(Item::state).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void someone_the_request_was_not_routed_to_cannot_open_it_and_the_refusal_is_audited(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            press(f, 7, SupportNeed.CALL_ME, PRESSED);
            for (Actor refused : List.of(TECH, SA_OTHER, CP1, ADMIN, Actor.parent("parent-a", "client-a"))) {
                assertThrows(AccessDeniedException.class, () -> f.care.support().open(refused, "home-0001", 7), refused.userId());
            }
            assertEquals(5, f.auditCount("access.denied"));
            assertEquals(List.of(), f.published);

            press(f, 8, SupportNeed.DEVICE_PROBLEM, PRESSED.plusSeconds(60));
            f.care.support().open(TECH, "home-0001", 8);
            assertEquals(List.of(SupportReply.Entry.seen(8, SupportReply.Role.TECHNICIAN, null, FRIDAY_16)), lastReply(f).requests());
            assertThrows(IllegalArgumentException.class, () -> f.care.support().open(SA, "home-0001", 99), "no such request");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_parent_sees_their_own_requests_and_where_each_stands(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            Actor parent = Actor.parent("parent-a", "client-a");
            assertEquals(List.of(), f.care.support().ofParent(parent));
            press(f, 11, SupportNeed.CALL_ME, PRESSED);
            press(f, 12, SupportNeed.HELP_NOW, PRESSED.plusSeconds(60));
            f.care.support().open(SA, "home-0001", 11);
            List<Item> mine = f.care.support().ofParent(parent);
            assertEquals(List.of("home-0001#12", "home-0001#11"), refs(mine));
            assertEquals(List.of(SupportRequests.State.OPEN, SupportRequests.State.SEEN), mine.stream().map(Item::state).toList());
        }
    }

    /** worker-sa named for client-a, worker-named2 beside; worker-oncall on sa-1's on-call list; worker-rest neither. */
    private static void nameWorkers(CareFixture f) {
        Users users = new Users(f.database, new PasswordHasher(new PasswordHasher.Cost(64, 1, 1), new java.security.SecureRandom()));
        for (String id : List.of("worker-sa", "worker-oncall", "worker-rest")) {
            users.add(Actor.substanceAbuseWorker(id, "sa-1"), "correct horse battery".toCharArray(), id + "@example.org", "en",
                    CareFixture.LENT);
        }
        f.care.routing().setDuties(SA, "client-a", List.of("worker-sa"), null);
        f.care.routing().setContacts(ADMIN, "sa-1", AlertRouting.Contacts.ON_CALL, List.of("worker-oncall"));
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void requests_reach_the_familys_named_workers_and_the_on_call_list_out_of_hours_or_for_help_now(Database.Dialect dialect)
            throws Exception {
        try (CareFixture f = fixture(dialect)) {
            nameWorkers(f);
            Actor onCall = Actor.substanceAbuseWorker("worker-oncall", "sa-1");
            Actor rest = Actor.substanceAbuseWorker("worker-rest", "sa-1");
            press(f, 21, SupportNeed.CALL_ME, PRESSED);
            press(f, 22, SupportNeed.HELP_NOW, PRESSED.plusSeconds(60));
            press(f, 23, SupportNeed.DEVICE_PROBLEM, PRESSED.plusSeconds(120));

            f.clock.set(Instant.parse("2026-02-20T08:10:00Z")); // Friday 10:10 in Helsinki: office hours
            assertEquals(List.of("home-0001#23", "home-0001#22", "home-0001#21"), refs(f.care.support().listFor(SA)));
            assertEquals(List.of("home-0001#23", "home-0001#22"), refs(f.care.support().listFor(onCall)),
                    "in office hours a call-me request is the named worker's alone");
            assertEquals(List.of("home-0001#23"), refs(f.care.support().listFor(rest)), "only a device problem reaches every worker");
            assertThrows(AccessDeniedException.class, () -> f.care.support().open(rest, "home-0001", 21));
            assertThrows(AccessDeniedException.class, () -> f.care.support().open(onCall, "home-0001", 21));

            f.care.support().open(onCall, "home-0001", 22);
            assertEquals(List.of(SupportReply.Entry.seen(22, SupportReply.Role.ON_CALL, null, null)), lastReply(f).requests(),
                    "help now, seen from the on-call list: on_call, and contact may come at once");

            f.clock.set(Instant.parse("2026-02-20T15:30:00Z")); // Friday 17:30 in Helsinki: out of office hours
            assertEquals(List.of("home-0001#23", "home-0001#22", "home-0001#21"), refs(f.care.support().listFor(onCall)));
            f.care.support().open(onCall, "home-0001", 21);
            assertEquals(SupportReply.Entry.seen(21, SupportReply.Role.ON_CALL, Instant.parse("2026-02-23T06:00:00Z"),
                    Instant.parse("2026-02-23T14:00:00Z")), lastReply(f).requests().get(1),
                    "call me seen on Friday evening: Monday between 8:00 and 16:00 in Helsinki");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_call_me_seen_after_hours_by_the_named_worker_names_the_next_working_day(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            nameWorkers(f);
            press(f, 31, SupportNeed.CALL_ME, PRESSED);
            f.clock.set(Instant.parse("2026-02-24T15:30:00Z")); // Tuesday 17:30 in Helsinki
            f.care.support().open(SA, "home-0001", 31);
            assertEquals(List.of(SupportReply.Entry.seen(31, SupportReply.Role.WORKER, Instant.parse("2026-02-25T06:00:00Z"),
                    Instant.parse("2026-02-25T14:00:00Z"))), lastReply(f).requests(), "Wednesday 8:00-16:00");
        }
    }
}
