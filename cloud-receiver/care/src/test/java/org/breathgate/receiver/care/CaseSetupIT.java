package org.breathgate.receiver.care;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.CaseStatus;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.Schedule;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import static org.breathgate.receiver.care.CareFixture.CP1;
import static org.breathgate.receiver.care.CareFixture.SA;
import static org.breathgate.receiver.care.CareFixture.SA_OTHER;
import static org.breathgate.receiver.care.CareFixture.TECH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Setting up a case: the schedule in the parent's language, the threshold on the device from the first minute, loans, closing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaseSetupIT {

    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private CareFixture fixture() {
        return new CareFixture(databases.newUrl(Database.Dialect.SQLITE), databases.newFolder());
    }

    private static Schedule twiceADay() {
        return Schedule.withDefaults(HELSINKI, List.of(Schedule.Slot.at(LocalTime.of(8, 0)), Schedule.Slot.at(LocalTime.of(20, 0))));
    }

    @Test
    void a_schedule_set_in_swedish_reaches_the_device_in_swedish_and_a_later_schedule_keeps_it() throws Exception {
        try (CareFixture f = fixture()) {
            f.care.schedules().set(SA, "client-a", twiceADay(), "sv");
            assertEquals("sv", f.lastPublishedConfig().language());
            // A later change of the slots names no language: the parent's language stays (it used to reset to Finnish).
            f.care.schedules().set(SA, "client-a", Schedule.withDefaults(HELSINKI, List.of(Schedule.Slot.at(LocalTime.of(9, 0)))));
            ConfigUpdate second = f.lastPublishedConfig();
            assertEquals("sv", second.language());
            assertEquals(LocalTime.of(9, 0), second.schedule().slots().get(0).at());
            assertEquals("sv", f.care.schedules().current(SA, "client-a").orElseThrow().config().language());
        }
    }

    @Test
    void the_heartbeat_interval_pushed_is_the_agents_own_thirty_minutes() throws Exception {
        try (CareFixture f = fixture()) {
            f.care.schedules().set(SA, "client-a", twiceADay(), "fi");
            assertEquals(3600, f.lastPublishedConfig().statusIntervalSeconds());
        }
    }

    @Test
    void a_device_lent_to_a_client_gets_the_clients_threshold_at_once_and_a_new_threshold_reaches_it_at_once() throws Exception {
        try (CareFixture f = fixture()) {
            f.registry.enroll(TestKeys.device("home-0002").verificationKey());
            f.care.people().openCase(SA, "client-b", "Parent B");
            f.care.people().setThreshold(SA, "client-b", new BreathAlcohol(150), null);
            assertEquals(0, f.publishedPayloads.size(), "no device is lent yet: nothing to send");
            Assignment loan = f.care.cases().lend(SA, "client-b", "home-0002");
            assertEquals("home-0002", loan.deviceId());
            ConfigUpdate first = f.lastPublishedConfig();
            assertEquals("home-0002", first.deviceId());
            assertEquals(150, first.threshold().microgramsPerLitre(), "the device's retest threshold is the client's from the first minute");
            assertEquals(0, first.schedule().slots().size(), "no schedule agreed yet: no tests asked for");
            f.care.people().setThreshold(SA, "client-b", new BreathAlcohol(120), null);
            assertEquals(120, f.lastPublishedConfig().threshold().microgramsPerLitre());
            assertEquals(1, f.auditCount("device.lent"));
        }
    }

    @Test
    void a_device_taken_back_and_lent_again_carries_the_clients_schedule_and_language() throws Exception {
        try (CareFixture f = fixture()) {
            f.care.schedules().set(SA, "client-a", twiceADay(), "en");
            f.clock.set(f.clock.instant().plusSeconds(3600));
            Assignment ended = f.care.cases().takeBack(SA, "client-a");
            assertNotNull(ended.until());
            f.registry.enroll(TestKeys.device("home-0002").verificationKey());
            f.clock.set(f.clock.instant().plusSeconds(60));
            f.care.cases().lend(SA, "client-a", "home-0002");
            ConfigUpdate config = f.lastPublishedConfig();
            assertEquals("home-0002", config.deviceId());
            assertEquals("en", config.language());
            assertEquals(2, config.schedule().slots().size());
            List<Assignment> loans = f.care.cases().loans(SA, "client-a");
            assertEquals(List.of("home-0001", "home-0002"), loans.stream().map(Assignment::deviceId).toList());
            assertNull(loans.get(1).until());
        }
    }

    @Test
    void closing_a_case_needs_the_device_back_then_starts_retention_and_refuses_new_schedules() throws Exception {
        try (CareFixture f = fixture()) {
            assertThrows(IllegalStateException.class, () -> f.care.cases().close(SA, "client-a"));
            f.care.cases().takeBack(SA, "client-a");
            Instant closedAt = f.clock.instant();
            var closed = f.care.cases().close(SA, "client-a");
            assertEquals(CaseStatus.CLOSED, closed.caseStatus());
            assertEquals(closedAt, f.clients.find("client-a").orElseThrow().closedAt());
            assertEquals(ReasonCode.DENIED_CASE_CLOSED, assertThrows(AccessDeniedException.class,
                    () -> f.care.schedules().set(SA, "client-a", twiceADay(), "fi")).decision().code());
            assertEquals(1, f.auditCount("client.closed"));
            f.care.cases().reopen(SA, "client-a");
            assertEquals(CaseStatus.OPEN, f.clients.find("client-a").orElseThrow().caseStatus());
        }
    }

    @Test
    void only_the_clients_own_substance_abuse_service_lends_takes_back_and_closes_and_refusals_are_audited() throws Exception {
        try (CareFixture f = fixture()) {
            for (var actor : List.of(SA_OTHER, CP1, TECH)) {
                assertThrows(AccessDeniedException.class, () -> f.care.cases().takeBack(actor, "client-a"));
                assertThrows(AccessDeniedException.class, () -> f.care.cases().close(actor, "client-a"));
                assertThrows(AccessDeniedException.class, () -> f.care.cases().loans(actor, "client-a"));
            }
            assertEquals(9, f.auditCount("access.denied"));
        }
    }
}
