package org.breathgate.receiver.care;

import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.SampleMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import static org.breathgate.receiver.care.CareFixture.SA;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The receiver knows the schedule: a test that never arrives is noticed 90 minutes after its window, even from a silent device. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpectedTestIT {

    /** 08:00 in Helsinki on 21 February 2026 (winter time, UTC+2); the window is 07:30-08:30. */
    private static final Instant SLOT = Instant.parse("2026-02-21T06:00:00Z");
    private static final Instant CLOSES = SLOT.plus(Duration.ofMinutes(30));

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void closeDatabases() {
        databases.close();
    }

    private CareFixture fixtureWithMorningSchedule() {
        CareFixture f = new CareFixture(databases.newUrl(Database.Dialect.SQLITE), databases.newFolder());
        f.care.schedules().set(SA, "client-a", Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(Schedule.Slot.at(LocalTime.of(8, 0)))));
        return f;
    }

    private static List<Alert> expected(CareFixture f) {
        return f.care.alerts().inboxPage(SA).stream().filter(a -> a.kind() == AlertKind.EXPECTED_TEST_MISSING).toList();
    }

    private static Alert stored(CareFixture f, String key) {
        return org.breathgate.receiver.evidence.db.Sql.read(f.database, "test", c -> org.breathgate.receiver.care.alert.AlertStore.find(c, key))
                .orElseThrow();
    }

    @Test
    void a_silent_device_raises_expected_test_not_received_ninety_minutes_after_the_window_closed_not_before() {
        try (CareFixture f = fixtureWithMorningSchedule()) {
            f.clock.set(CLOSES.plus(Duration.ofMinutes(89)));
            f.processor.tick();
            assertEquals(List.of(), expected(f), "89 minutes after the window: not yet");
            f.clock.set(CLOSES.plus(Duration.ofMinutes(90)));
            f.processor.tick();
            List<Alert> raised = expected(f);
            assertEquals(1, raised.size());
            assertEquals("expected:home-0001:" + SLOT.getEpochSecond(), raised.get(0).key());
            assertEquals(AlertStatus.OPEN, raised.get(0).status());
            f.clock.set(CLOSES.plus(Duration.ofMinutes(91)));
            f.processor.tick();
            assertEquals(1, expected(f).size(), "one alert per slot, however often the check runs");
        }
    }

    @Test
    void the_devices_missed_test_record_arriving_later_resolves_it_and_a_slot_recorded_in_time_raises_nothing() throws Exception {
        try (CareFixture f = fixtureWithMorningSchedule()) {
            f.clock.set(CLOSES.plus(Duration.ofMinutes(95)));
            f.processor.tick();
            SampleMessages device = f.home.at(CLOSES);
            MissedTest template = device.missedTest(1);
            MissedTest missed = new MissedTest("home-0001", 1, template.clock(), new TestReason.Scheduled(SLOT, false),
                    SLOT.minus(Duration.ofMinutes(30)), CLOSES, 0);
            f.ingest(device.sign(missed), CLOSES.plus(Duration.ofMinutes(100)));
            Alert resolved = stored(f, "expected:home-0001:" + SLOT.getEpochSecond());
            assertEquals(AlertStatus.RESOLVED, resolved.status());
            // The next morning's missed test arrives in time: no "expected" alert for that slot.
            Instant nextSlot = SLOT.plus(Duration.ofDays(1));
            SampleMessages next = f.home.at(nextSlot.plus(Duration.ofMinutes(30)));
            MissedTest t2 = next.missedTest(2);
            f.ingest(next.sign(new MissedTest("home-0001", 2, t2.clock(), new TestReason.Scheduled(nextSlot, false),
                    nextSlot.minus(Duration.ofMinutes(30)), nextSlot.plus(Duration.ofMinutes(30)), 0)), nextSlot.plus(Duration.ofMinutes(31)));
            f.clock.set(nextSlot.plus(Duration.ofMinutes(30 + 120)));
            f.processor.tick();
            assertEquals(false, org.breathgate.receiver.evidence.db.Sql.read(f.database, "test", c ->
                    org.breathgate.receiver.care.alert.AlertStore.find(c, "expected:home-0001:" + nextSlot.getEpochSecond())).isPresent());
        }
    }

    @Test
    void a_test_asked_for_now_is_signed_and_sent_and_one_never_answered_is_expected_ninety_minutes_after_its_window() throws Exception {
        try (CareFixture f = fixtureWithMorningSchedule()) {
            Instant asked = Instant.parse("2026-02-21T10:00:00Z");
            f.clock.set(asked);
            org.breathgate.protocol.TestRequest request = f.care.schedules().requestTest(SA, "client-a", Duration.ofMinutes(30));
            assertEquals(1, request.request());
            assertEquals(asked.plus(Duration.ofMinutes(30)), request.until());
            assertEquals("breathgate/v1/devices/home-0001/down/test_request", f.published.get(f.published.size() - 1));
            org.breathgate.protocol.Message sent = new org.breathgate.protocol.MessageVerifier(org.breathgate.protocol.KeyResolver.of(
                    org.breathgate.testkit.TestKeys.receiver().verificationKey())).verify(f.publishedPayloads.get(f.publishedPayloads.size() - 1),
                    "receiver").message();
            assertEquals(request, sent, "signed by the receiver like any configuration");
            assertEquals(2, f.care.schedules().requestTest(SA, "client-a", Duration.ofMinutes(30)).request(), "numbers increase");
            assertEquals(2, f.auditCount("test.requested"));
            f.clock.set(request.until().plus(Duration.ofMinutes(89)));
            f.processor.tick();
            assertEquals(0, expected(f).stream().filter(a -> a.key().equals("expected:home-0001:request:1")).count());
            f.clock.set(request.until().plus(Duration.ofMinutes(90)));
            f.processor.tick();
            assertEquals(1, expected(f).stream().filter(a -> a.key().equals("expected:home-0001:request:1")).count(),
                    "a requested test that never arrived is expected like a slot");
            // The device's missed-test record of request 1 arrives: resolved.
            SampleMessages device = f.home.at(request.until());
            MissedTest template = device.missedTest(1);
            f.ingest(device.sign(new MissedTest("home-0001", 1, template.clock(), new org.breathgate.protocol.TestReason.Requested(1),
                    asked, request.until(), 0)), request.until().plus(Duration.ofMinutes(95)));
            assertEquals(AlertStatus.RESOLVED, stored(f, "expected:home-0001:request:1").status());
            assertEquals(org.breathgate.care.access.ReasonCode.DENIED_ROLE, org.junit.jupiter.api.Assertions.assertThrows(
                    org.breathgate.care.access.AccessDeniedException.class,
                    () -> f.care.schedules().requestTest(CareFixture.CP1, "client-a", Duration.ofMinutes(30))).decision().code());
        }
    }
}
