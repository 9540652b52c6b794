package org.breathgate.receiver.care;

import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.TimelineView;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKeys;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.care.audit.AuditEntry;
import org.breathgate.care.audit.AuditVerification;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.Scope;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.retention.RetentionJob;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.testkit.SampleMessages;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.receiver.evidence.store.Write;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.breathgate.receiver.care.CareFixture.ADMIN;
import static org.breathgate.receiver.care.CareFixture.CP1;
import static org.breathgate.receiver.care.CareFixture.CP2;
import static org.breathgate.receiver.care.CareFixture.SA;
import static org.breathgate.receiver.care.CareFixture.SA_OTHER;
import static org.breathgate.receiver.care.CareFixture.TECH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The care workflow end to end on stored data, on SQLite and PostgreSQL. */
class CareServiceIT extends OnBothDatabases {

    private static final Instant CONSENT_FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant CONSENT_UNTIL = Instant.parse("2026-06-01T00:00:00Z");
    private static final Instant RECORDED = Instant.parse("2026-02-25T10:00:00Z");
    private static final Instant POSITIVE_AT = Instant.parse("2026-03-09T06:00:00Z");
    private static final Instant RETEST_AT = Instant.parse("2026-03-09T06:21:00Z");
    private static final Instant YEAR_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant YEAR_END = Instant.parse("2027-01-01T00:00:00Z");

    /** A positive test on 9 March and a failed retest 21 minutes later, through the evidence listener. */
    private static void confirmedPositive(CareFixture f) throws Exception {
        SampleMessages first = f.home.at(POSITIVE_AT);
        f.clock.set(POSITIVE_AT.plusSeconds(5));
        f.ingest(first.sign(first.positiveReading(1)), POSITIVE_AT.plusSeconds(5));
        SampleMessages retest = f.home.at(RETEST_AT);
        f.clock.set(RETEST_AT.plusSeconds(5));
        f.ingest(retest.sign(CareFixture.failedRetest(retest, 2, 1, 1)), RETEST_AT.plusSeconds(5));
    }

    private static ConsentVersion consentForCp1(CareFixture f, Set<Scope> scopes) {
        f.clock.set(RECORDED);
        return f.care.consents().record(SA, "client-a", "cp-1", CONSENT_FROM, CONSENT_UNTIL, scopes);
    }

    // ------------------------------------------------------------------ authorisation matrix

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_child_protection_worker_sees_results_only_while_consent_covers_them(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            f.clock.set(Instant.parse("2026-02-20T08:00:00Z"));
            assertEquals(ReasonCode.DENIED_NO_CONSENT, refusal(() -> f.care.timelines().timeline(CP1, "client-a", YEAR_START, YEAR_END)));

            ConsentVersion consent = consentForCp1(f, Set.of(Scope.RESULTS, Scope.MISSED_TESTS, Scope.ALERTS));
            f.clock.set(Instant.parse("2026-02-27T08:00:00Z"));
            assertEquals(ReasonCode.DENIED_CONSENT_NOT_YET_IN_FORCE,
                    refusal(() -> f.care.timelines().timeline(CP1, "client-a", YEAR_START, YEAR_END)));

            f.clock.set(Instant.parse("2026-03-10T08:00:00Z"));
            TimelineView during = f.care.timelines().timeline(CP1, "client-a", YEAR_START, YEAR_END);
            assertEquals(List.of("home-0001#1", "home-0001#2"), during.entries().stream().map(TimelineEntry::ref).toList());
            assertEquals(0, during.withheld());

            f.clock.set(CONSENT_UNTIL);
            assertEquals(ReasonCode.DENIED_CONSENT_EXPIRED, refusal(() -> f.care.timelines().timeline(CP1, "client-a", YEAR_START, YEAR_END)));

            f.clock.set(Instant.parse("2026-04-01T09:00:00Z"));
            f.care.consents().revoke(SA, consent.consentId(), Instant.parse("2026-04-01T08:30:00Z"));
            f.clock.set(Instant.parse("2026-04-02T09:00:00Z"));
            assertEquals(ReasonCode.DENIED_CONSENT_REVOKED, refusal(() -> f.care.timelines().timeline(CP1, "client-a", YEAR_START, YEAR_END)));
            // The substance-abuse worker still sees everything.
            assertEquals(2, f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END).entries().size());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void events_outside_the_consented_period_are_withheld_item_by_item(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            SampleMessages before = f.home.at(Instant.parse("2026-02-28T06:00:00Z"));
            f.ingest(before.sign(before.soberReading(1)), Instant.parse("2026-02-28T06:00:05Z"));
            SampleMessages inside = f.home.at(Instant.parse("2026-03-08T06:00:00Z"));
            f.ingest(inside.sign(inside.soberReading(2)), Instant.parse("2026-03-08T06:00:05Z"));
            f.ingest(inside.sign(inside.supportRequest(3)), Instant.parse("2026-03-08T06:00:06Z"));
            consentForCp1(f, Set.of(Scope.RESULTS));

            f.clock.set(Instant.parse("2026-03-10T08:00:00Z"));
            TimelineView timeline = f.care.timelines().timeline(CP1, "client-a", YEAR_START, YEAR_END);
            // The result before the period, and the support request (never for child protection), are withheld, without a
            // hint: no count, and the period is the consent's, not the year asked for.
            assertEquals(List.of("home-0001#2"), timeline.entries().stream().map(TimelineEntry::ref).toList());
            assertEquals(0, timeline.withheld());
            assertEquals(Instant.parse("2026-03-01T00:00:00Z"), timeline.from());
            assertEquals(Instant.parse("2026-06-01T00:00:00Z"), timeline.to());
            // Narrowing the period around the support request (08:00:06) shows the same as narrowing it around nothing.
            TimelineView around = f.care.timelines().timeline(CP1, "client-a", Instant.parse("2026-03-08T06:00:05.500Z"),
                    Instant.parse("2026-03-08T06:00:07Z"));
            TimelineView elsewhere = f.care.timelines().timeline(CP1, "client-a", Instant.parse("2026-03-09T06:00:05.500Z"),
                    Instant.parse("2026-03-09T06:00:07Z"));
            assertEquals(List.of(), around.entries());
            assertEquals(around.withheld(), elsewhere.withheld());
            assertEquals(0, around.withheld());
            assertEquals(ReasonCode.DENIED_NO_CONSENT, refusal(() -> f.care.timelines().timeline(CP2, "client-a", YEAR_START, YEAR_END)));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_worker_refused_the_device_list_or_an_enrollment_code_leaves_an_audited_refusal(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            // The devices page once refused a worker without a trace in the audit log; the gate records every refusal.
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.devices().devices(SA)));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.devices().createCode(CP1, java.time.Duration.ofHours(1), null)));
            List<String> refused = f.audit.entries().stream().filter(e -> e.action().equals("access.denied"))
                    .map(e -> e.actor() + " " + e.subjectType() + " " + e.detail()).toList();
            assertEquals(List.of("worker-sa devices VIEW_DEVICE_HEALTH denied.role",
                    "worker-cp1 enrollment-code CREATE_ENROLLMENT_CODE denied.role"), refused);
            assertEquals(1, f.care.devices().devices(TECH).size(), "a technician sees the device");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void other_organisations_technicians_and_administrators_see_no_results(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            assertEquals(ReasonCode.DENIED_OTHER_ORGANISATION,
                    refusal(() -> f.care.timelines().timeline(SA_OTHER, "client-a", YEAR_START, YEAR_END)));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.timelines().timeline(TECH, "client-a", YEAR_START, YEAR_END)));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.timelines().timeline(ADMIN, "client-a", YEAR_START, YEAR_END)));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.export().export(ADMIN, "client-a")));
            assertEquals(List.of(), f.care.alerts().alertsFor(TECH));
            assertEquals(List.of(), f.care.alerts().alertsFor(ADMIN));
            assertEquals(List.of(), f.care.alerts().alertsFor(SA_OTHER));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void every_result_shown_every_refusal_and_every_consent_change_is_audited(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            f.clock.set(Instant.parse("2026-03-10T08:00:00Z"));
            f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END);
            assertThrows(AccessDeniedException.class, () -> f.care.timelines().timeline(ADMIN, "client-a", YEAR_START, YEAR_END));
            f.care.consents().record(SA, "client-a", "cp-1", CONSENT_FROM, CONSENT_UNTIL, Set.of(Scope.RESULTS));
            f.care.export().export(SA, "client-a");

            List<AuditEntry> log = f.audit.entries();
            List<String> actions = log.stream().map(e -> e.actor() + " " + e.action() + " " + e.subjectId()).toList();
            assertEquals(List.of(
                    "worker-sa result.viewed home-0001#1",
                    "worker-sa result.viewed home-0001#2",
                    "worker-sa timeline.viewed client-a",
                    "admin-1 access.denied client-a",
                    "worker-sa consent.recorded consent-1#v1",
                    "worker-sa client_data.exported client-a"), actions);
            assertTrue(log.get(0).detail().startsWith("allowed.own_organisation"), log.get(0).detail());
            assertTrue(log.get(3).detail().contains("denied.role"), log.get(3).detail());
            assertTrue(f.audit.verify().intact());
        }
    }

    // ------------------------------------------------------------------ alerts

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_positive_and_a_failed_retest_make_one_confirmed_alert_for_the_service_and_with_consent_for_child_protection(
            Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            ConsentVersion consent = consentForCp1(f, Set.of(Scope.ALERTS));
            confirmedPositive(f);

            List<Alert> inbox = f.care.alerts().alertsFor(SA);
            assertEquals(1, inbox.size());
            Alert alert = inbox.get(0);
            assertEquals(AlertKeys.chain("home-0001", 1), alert.key());
            assertEquals(AlertKind.CONFIRMED_POSITIVE, alert.kind());
            assertEquals(List.of(alert), f.care.alerts().alertsFor(CP1));
            assertEquals(List.of(), f.care.alerts().alertsFor(CP2));
            List<String> deliveries = f.database.read(c -> AlertStore.deliveries(c, alert.key()));
            assertEquals(List.of("inbox:raise:delivered", "inbox:update:delivered"), deliveries);

            f.clock.set(Instant.parse("2026-04-01T09:00:00Z"));
            f.care.consents().revoke(SA, consent.consentId(), Instant.parse("2026-04-01T09:00:00Z"));
            f.clock.set(Instant.parse("2026-04-01T10:00:00Z"));
            assertEquals(List.of(), f.care.alerts().alertsFor(CP1));
            assertEquals(1, f.care.alerts().alertsFor(SA).size());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_positive_and_its_failed_retest_decided_in_one_batch_raise_what_they_raise_one_by_one(Database.Dialect dialect) throws Exception {
        List<String> oneByOne;
        try (CareFixture f = fixture(dialect)) {
            consentForCp1(f, Set.of(Scope.ALERTS));
            confirmedPositive(f);
            oneByOne = alertsAndDeliveries(f);
        }
        try (CareFixture f = fixture(dialect)) {
            consentForCp1(f, Set.of(Scope.ALERTS));
            SampleMessages first = f.home.at(POSITIVE_AT);
            SampleMessages retest = f.home.at(RETEST_AT);
            f.store.write(List.of(new Write.Evidence(first.sign(first.positiveReading(1)), POSITIVE_AT.plusSeconds(5)),
                    new Write.Evidence(retest.sign(CareFixture.failedRetest(retest, 2, 1, 1)), RETEST_AT.plusSeconds(5))));
            f.clock.set(RETEST_AT.plusSeconds(5));
            // as after one ingest batch: both handed over before the care thread runs, decided in one transaction
            List<AlertCommand> commands = f.processor.onStored(List.of(f.reader.event("home-0001", 1).orElseThrow(),
                    f.reader.event("home-0001", 2).orElseThrow()));
            assertFalse(commands.isEmpty());
            assertEquals(oneByOne, alertsAndDeliveries(f));
        }
    }

    private static List<String> alertsAndDeliveries(CareFixture f) throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        for (Alert alert : f.care.alerts().alertsFor(SA)) {
            seen.add(alert.key() + " " + alert.kind() + " " + f.database.read(c -> AlertStore.deliveries(c, alert.key())));
        }
        f.care.alerts().alertsFor(CP1).forEach(alert -> seen.add("cp1 " + alert.key() + " " + alert.kind()));
        return seen;
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void without_consent_child_protection_is_not_alerted(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            assertEquals(1, f.care.alerts().alertsFor(SA).size());
            assertEquals(List.of(), f.care.alerts().alertsFor(CP1));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void acknowledging_needs_the_audience_and_is_audited_also_when_refused(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            String key = AlertKeys.chain("home-0001", 1);
            assertEquals(ReasonCode.DENIED_NO_CONSENT, refusal(() -> f.care.alerts().acknowledge(CP1, key, "seen")));
            Alert acked = f.care.alerts().acknowledge(SA, key, "Called the parent; home visit tomorrow.");
            assertEquals(AlertStatus.ACKNOWLEDGED, acked.status());
            assertEquals(AlertStatus.ACKNOWLEDGED, f.database.read(c -> AlertStore.find(c, key)).orElseThrow().status());
            assertEquals(1, f.auditCount("alert.acknowledged"));
            assertEquals(1, f.audit.entries().stream()
                    .filter(e -> e.action().equals("access.denied") && e.subjectId().equals(key)).count());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_excuse_resolves_the_missed_test_alert_and_keeps_the_signed_event(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            SampleMessages at = f.home.at(Instant.parse("2026-03-09T06:30:00Z"));
            MissedTest missed = at.missedTest(7);
            SignedMessage signed = at.sign(missed);
            f.clock.set(Instant.parse("2026-03-09T06:30:05Z"));
            f.ingest(signed, Instant.parse("2026-03-09T06:30:05Z"));
            String key = AlertKeys.missedTest("home-0001", 7);
            assertEquals(AlertStatus.OPEN, f.database.read(c -> AlertStore.find(c, key)).orElseThrow().status());

            f.care.alerts().excuse(SA, "home-0001", 7, "In hospital 8-10 March");

            assertEquals(AlertStatus.RESOLVED, f.database.read(c -> AlertStore.find(c, key)).orElseThrow().status());
            assertEquals(signed.compact(), f.reader.event("home-0001", 7).orElseThrow().compact());
            TimelineEntry item = f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END).entries().get(0);
            assertEquals(missed, item.event());
            assertEquals("In hospital 8-10 March", item.excuse().note());
            assertEquals(1, f.auditCount("missed_test.excused"));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.alerts().excuse(CP1, "home-0001", 7, "no")));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_device_lent_to_another_family_later_keeps_the_histories_apart(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            SampleMessages first = f.home.at(Instant.parse("2026-03-01T06:00:00Z"));
            f.ingest(first.sign(first.soberReading(1)), Instant.parse("2026-03-01T06:00:05Z"));
            f.assignments.end("home-0001", Instant.parse("2026-03-05T00:00:00Z"));
            f.clients.add(org.breathgate.care.access.Client.open("client-b", "Parent B", "sa-1"), Instant.parse("2026-03-05T00:00:00Z"));
            f.assignments.assign("home-0001", "client-b", Instant.parse("2026-03-06T00:00:00Z"));
            SampleMessages later = f.home.at(Instant.parse("2026-03-07T06:00:00Z"));
            f.ingest(later.sign(later.positiveReading(2)), Instant.parse("2026-03-07T06:00:05Z"));

            f.clock.set(Instant.parse("2026-03-08T00:00:00Z"));
            assertEquals(List.of("home-0001#1"),
                    f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END).entries().stream().map(TimelineEntry::ref).toList());
            assertEquals(List.of("home-0001#2"),
                    f.care.timelines().timeline(SA, "client-b", YEAR_START, YEAR_END).entries().stream().map(TimelineEntry::ref).toList());
            assertEquals("client-b", f.care.alerts().alertsFor(SA).get(0).clientId());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_silent_device_raises_one_alert_and_unacknowledged_alerts_escalate(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            SampleMessages at = f.home.at(Instant.parse("2026-03-09T06:00:00Z"));
            f.ingest(at.sign(at.positiveReading(1)), Instant.parse("2026-03-09T06:00:05Z"));
            f.clock.set(Instant.parse("2026-03-10T09:00:00Z")); // 27 h later: silent, and the 8 h escalation is due
            f.processor.tick();
            List<Alert> inbox = f.care.alerts().alertsFor(SA);
            assertEquals(2, inbox.size());
            Alert chain = inbox.stream().filter(a -> a.kind() == AlertKind.OVER_THRESHOLD).findFirst().orElseThrow();
            assertEquals(Instant.parse("2026-03-10T09:00:00Z"), chain.escalatedAt());
            f.processor.tick();
            assertEquals(2, f.care.alerts().alertsFor(SA).size());
        }
    }

    // ------------------------------------------------------------------ consent, schedule, export

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void consent_versions_are_append_only_in_the_database(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            consentForCp1(f, Set.of(Scope.RESULTS));
            for (String sql : List.of("update care_consent_versions set valid_until_ms = 0", "delete from care_consent_versions")) {
                assertThrows(SQLException.class, () -> f.database.inTransaction(c -> {
                    try (PreparedStatement s = c.prepareStatement(sql)) {
                        return s.executeUpdate();
                    }
                }), sql);
            }
            f.clock.set(Instant.parse("2026-03-15T12:00:00Z"));
            f.care.consents().amend(SA, "consent-1", CONSENT_FROM, CONSENT_UNTIL, Set.of(Scope.ALERTS));
            List<ConsentVersion> history = f.care.consents().history(CP1, "client-a");
            assertEquals(List.of(1, 2), history.stream().map(ConsentVersion::version).toList());
            assertEquals(ReasonCode.DENIED_NO_CONSENT, refusal(() -> f.care.consents().history(CP2, "client-a")));
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.consents().record(CP1, "client-a", "cp-1", CONSENT_FROM,
                    CONSENT_UNTIL, Set.of(Scope.RESULTS))));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_schedule_becomes_a_signed_config_published_for_the_device(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            Schedule schedule = Schedule.withDefaults(ZoneId.of("Europe/Helsinki"), List.of(Schedule.Slot.at(LocalTime.of(8, 0))));
            SignedMessage first = f.care.schedules().set(SA, "client-a", schedule);
            SignedMessage second = f.care.schedules().set(SA, "client-a", schedule);
            assertEquals(1, ((ConfigUpdate) first.message()).version());
            assertEquals(2, ((ConfigUpdate) second.message()).version());
            assertEquals(org.breathgate.testkit.TestKeys.receiver().keyId(), first.keyId());
            assertEquals(List.of("breathgate/v1/devices/home-0001/down/config", "breathgate/v1/devices/home-0001/down/config"),
                    f.published);
            assertEquals(ReasonCode.DENIED_ROLE, refusal(() -> f.care.schedules().set(CP1, "client-a", schedule)));
            assertEquals(2, f.auditCount("schedule.set"));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_full_export_holds_the_signed_events_consents_and_alerts(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            consentForCp1(f, Set.of(Scope.ALERTS));
            confirmedPositive(f);
            String json = f.care.export().export(SA, "client-a");
            var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            assertEquals(2, tree.get("events").size());
            assertEquals(f.reader.event("home-0001", 1).orElseThrow().compact(), tree.get("events").get(0).get("signed").asText());
            assertEquals(1, tree.get("consents").size());
            assertEquals(1, tree.get("alerts").size());
            assertEquals(1, f.auditCount("client_data.exported"));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_parents_export_holds_the_test_photo_of_a_reading_as_stored_and_reviewed(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, 5, (byte) 0xFF, (byte) 0xD9};
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(jpeg));
            f.database.inTransaction(c -> {
                f.photos.store(c, new org.breathgate.receiver.evidence.photo.StoredPhoto("home-0001", 1, sha, jpeg.length,
                        "image/jpeg", YEAR_START.plusSeconds(60), YEAR_START.plusSeconds(120)), jpeg);
                return null;
            });
            org.breathgate.care.access.Actor parent = org.breathgate.care.access.Actor.parent("parent-a", "client-a");
            var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.care.export().export(parent, "client-a"));
            var photo = tree.get("events").get(0).get("photo");
            assertEquals(sha, photo.get("sha256").asText(), tree.toString());
            assertEquals(java.util.Base64.getEncoder().encodeToString(jpeg), photo.get("jpegBase64").asText());
            assertEquals(false, photo.get("unreadable").asBoolean());
            assertEquals(null, tree.get("events").get(1).get("photo"), "the second event has no photo");
            assertTrue(tree.get("referencePhoto").isNull(), "no reference photo was enrolled");
            assertTrue(f.auditDetails("client_data.exported").get(0).contains("1 photos"), f.auditDetails("client_data.exported").toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void the_parents_export_holds_who_looked_at_their_results_and_a_workers_export_does_not(Database.Dialect dialect)
            throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END);
            org.breathgate.care.access.Actor parent = org.breathgate.care.access.Actor.parent("parent-a", "client-a");
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            var mine = mapper.readTree(f.care.export().export(parent, "client-a"));
            var log = mine.get("accessLog");
            assertEquals(1, log.size(), log.toString());
            assertEquals("viewed_results", log.get(0).get("what").asText());
            assertEquals("client_relationship", log.get(0).get("why").asText());
            assertEquals(f.care.whoLooked().of(parent, "client-a").get(0).at().toString(), log.get(0).get("at").asText(),
                    "the same looks as the parent's page shows");
            var workers = mapper.readTree(f.care.export().export(SA, "client-a"));
            assertEquals(null, workers.get("accessLog"), "the access log is the parent's");
        }
    }

    // ------------------------------------------------------------------ audit

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void an_audit_entry_changed_in_the_database_is_reported_broken_at_that_entry(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END);
            f.database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("update care_audit_log set actor = 'someone-else' where seq = 2")) {
                    return s.executeUpdate();
                }
            });
            AuditVerification result = f.audit.verify();
            assertFalse(result.intact());
            assertEquals(2, result.seq());
            assertEquals(AuditVerification.Problem.CONTENT_CHANGED, result.problem());
        }
    }

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void a_log_rewritten_with_fresh_hashes_is_caught_by_the_anchor(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            f.care.timelines().timeline(SA, "client-a", YEAR_START, YEAR_END);
            f.care.export().export(SA, "client-a");
            assertTrue(f.audit.anchor(f.clock.instant()).isPresent());
            // Rewrite the whole log consistently: a new first entry, every later hash recomputed.
            List<AuditEntry> log = f.audit.entries();
            f.database.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("delete from care_audit_log")) {
                    s.executeUpdate();
                }
                return null;
            });
            // As someone with write access to the database would: every entry sealed again, one after the other.
            f.database.inTransaction(c -> {
                AuditEntry previous = null;
                for (AuditEntry e : log) {
                    String actor = e.seq() == 1 ? "someone-else" : e.actor();
                    AuditEntry forged = org.breathgate.care.audit.AuditChain.append(java.util.Optional.ofNullable(previous),
                            new org.breathgate.care.audit.AuditRecord(e.at(), actor, e.action(), e.subjectType(), e.subjectId(), e.detail()));
                    try (PreparedStatement s = c.prepareStatement("insert into care_audit_log (seq, at_ms, actor, action, subject_type, "
                            + "subject_id, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        s.setLong(1, forged.seq());
                        s.setLong(2, forged.at().toEpochMilli());
                        s.setString(3, forged.actor());
                        s.setString(4, forged.action());
                        s.setString(5, forged.subjectType());
                        s.setString(6, forged.subjectId());
                        s.setString(7, forged.detail());
                        s.setString(8, forged.prevHash());
                        s.setString(9, forged.hash());
                        s.executeUpdate();
                    }
                    previous = forged;
                }
                return null;
            });
            AuditVerification result = f.audit.verify();
            assertEquals(AuditVerification.Problem.ANCHOR_MISMATCH, result.problem());
        }
    }

    // ------------------------------------------------------------------ retention

    @ParameterizedTest
    @EnumSource(Database.Dialect.class)
    void retention_deletes_a_closed_cases_results_after_the_period_and_audits_it(Database.Dialect dialect) throws Exception {
        try (CareFixture f = fixture(dialect)) {
            confirmedPositive(f);
            f.clients.update(f.clients.find("client-a").orElseThrow().closed(Instant.parse("2026-04-01T00:00:00Z")));
            RetentionJob job = new RetentionJob(f.gate,
                    new RetentionPolicy(Period.ofMonths(6), Period.ofMonths(1), ZoneId.of("Europe/Helsinki")));

            f.clock.set(Instant.parse("2026-09-30T12:00:00Z"));
            assertEquals(List.of(), job.run());
            assertEquals(2, f.reader.count("home-0001"));

            f.clock.set(Instant.parse("2026-10-01T12:00:00Z"));
            assertEquals(1, job.run().size());
            assertEquals(0, f.reader.count("home-0001"));
            assertEquals(List.of(), f.database.read(c -> AlertStore.ofClient(c, "client-a")));
            assertEquals(1, f.auditCount("data.deleted"));
            assertEquals(List.of(), job.run());
            assertEquals(1, f.auditCount("data.deleted"));
            assertTrue(f.audit.verify().intact());
        }
    }
}
