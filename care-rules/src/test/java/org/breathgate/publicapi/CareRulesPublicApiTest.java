package org.breathgate.publicapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.breathgate.care.Checks;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.CaseStatus;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.access.Role;
import org.breathgate.care.account.LoginThrottle;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.account.ThrottleDecision;
import org.breathgate.care.account.ThrottlePolicy;
import org.breathgate.care.account.ThrottleState;
import org.breathgate.care.account.Totp;
import org.breathgate.care.alert.Acknowledgement;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.AlertEvidence;
import org.breathgate.care.alert.AlertKeys;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertLookup;
import org.breathgate.care.alert.AlertRules;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.care.alert.Audience;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.alert.RuleSetting;
import org.breathgate.care.alert.Severity;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.audit.AuditAnchor;
import org.breathgate.care.audit.AuditChain;
import org.breathgate.care.audit.AuditEntry;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.care.audit.AuditVerification;
import org.breathgate.care.consent.ConsentCheck;
import org.breathgate.care.consent.ConsentHistory;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;
import org.breathgate.care.retention.DeletionTask;
import org.breathgate.care.retention.PhotoRef;
import org.breathgate.care.retention.RetentionPolicy;
import org.breathgate.care.webhook.RetryBackoff;
import org.breathgate.care.webhook.RetryDecision;
import org.breathgate.care.webhook.WebhookSigner;
import org.breathgate.care.webhook.WebhookVerification;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TestReason;
import org.junit.jupiter.api.Test;

/**
 * The public face of the care rules, the way Javalin's {@code TestPublicApi_Java} keeps its own: every public type,
 * constructor, factory, method, constant and enum value, called from outside the module's packages, so an accidental change
 * (a renamed method, a changed parameter or return type, a lost enum value that is stored in a database) breaks this
 * test's compilation. The receiver and the demo are built on these; a deliberate change edits this file in the same commit.
 * It proves the face compiles and runs, not the rules: those have their own tests beside the code.
 *
 * <p>{@link #every_public_type_is_on_this_page} closes the loop the other way: a new public type fails the build until it
 * is either added here (it is API) or made package-private (it is not).
 */
class CareRulesPublicApiTest {

    private static final Instant T0 = Instant.parse("2026-03-09T06:02:00Z");
    private static final ZoneId HELSINKI = ZoneId.of("Europe/Helsinki");
    private static final String DEVICE = "home-0001";

    /** The public types this page calls; {@link #every_public_type_is_on_this_page} compares it with the module. */
    private static final Set<Class<?>> ON_THIS_PAGE = Set.of(Checks.class,
            AccessDeniedException.class, AccessPolicy.class, Actor.class, CaseStatus.class, Client.class, Decision.class,
            Operation.class, Operation.Kind.class, Organisation.class, OrganisationKind.class, ReasonCode.class, Role.class,
            LoginThrottle.class, LoginThrottle.Key.class, PasswordHasher.class, PasswordHasher.Cost.class, ThrottleDecision.class,
            ThrottlePolicy.class, ThrottleState.class, Totp.class,
            Acknowledgement.class, Alert.class, AlertCommand.class, AlertCommand.Acknowledged.class, AlertCommand.Escalate.class,
            AlertCommand.Raise.class, AlertCommand.Update.class, AlertEngine.class, AlertEvidence.class, AlertEvidence.Role.class,
            AlertKeys.class, AlertKind.class, AlertLookup.class, AlertRules.class, AlertStatus.class, Audience.class,
            CaseContext.class, Excuse.class, RuleSetting.class, Severity.class,
            AuditAction.class, AuditAnchor.class, AuditChain.class, AuditEntry.class, AuditRecord.class, AuditVerification.class,
            AuditVerification.Problem.class,
            ConsentCheck.class, ConsentCheck.Result.class, ConsentHistory.class, ConsentVersion.class, EventTime.class, Scope.class,
            DeletionTask.class, DeletionTask.ClientResults.class, DeletionTask.Photo.class, PhotoRef.class, RetentionPolicy.class,
            RetryBackoff.class, RetryDecision.class, RetryDecision.DeadLetter.class, RetryDecision.RetryAfter.class,
            WebhookSigner.class, WebhookVerification.class,
            org.breathgate.care.support.SupportRouting.class, org.breathgate.care.support.SupportRouting.Route.class);

    @Test
    void checks() {
        int max = Checks.MAX_ID_LENGTH;
        String id = Checks.id("client", "client-a");
        String text = Checks.text("name", "Parent A", max);
        String optional = Checks.optionalText("note", null, 10);
        assertEquals("client-a", id);
        assertEquals("Parent A", text);
        assertEquals(null, optional);
    }

    @Test
    void access() {
        Actor worker = Actor.substanceAbuseWorker("worker-sa", "sa-north");
        Actor cp = Actor.childProtectionWorker("worker-cp", "cp-1");
        Actor technician = Actor.technician("tech");
        Actor admin = Actor.administrator("admin");
        Actor parent = Actor.parent("parent-a", "client-a");
        Actor made = new Actor("worker-2", Role.SUBSTANCE_ABUSE_WORKER, "sa-north", null);
        String userId = made.userId();
        Role role = made.role();
        String organisationId = made.organisationId();
        String clientId = parent.clientId();

        BreathAlcohol defaultThreshold = Client.DEFAULT_THRESHOLD;
        Client client = Client.open("client-a", "Parent A", "sa-north");
        Client full = new Client("client-b", "Parent B", "sa-north", CaseStatus.OPEN, null, defaultThreshold, PerMilleFactor.FINNISH_CRIMINAL_CODE);
        Client closed = client.closed(T0);
        Client reopened = closed.reopened();
        Client changed = client.withAlertThreshold(new BreathAlcohol(150)).withPerMilleFactor(PerMilleFactor.FINNISH_CRIMINAL_CODE);
        String cid = changed.id();
        String displayName = changed.displayName();
        String organisation = changed.substanceAbuseOrganisationId();
        CaseStatus status = closed.caseStatus();
        Instant closedAt = closed.closedAt();
        BreathAlcohol threshold = changed.alertThreshold();
        PerMilleFactor factor = changed.perMilleFactor();

        Decision allowed = AccessPolicy.decide(admin, Operation.MANAGE_USERS, T0);
        Decision denied = AccessPolicy.decide(cp, Operation.VIEW_RESULT, client, ConsentHistory.empty(client.id()),
                EventTime.exact(T0), T0);
        Decision of = Decision.of(ReasonCode.DENIED_ROLE);
        Decision made2 = new Decision(true, ReasonCode.ALLOWED_FOR_ROLE, "because", null);
        boolean isAllowed = allowed.allowed();
        ReasonCode code = denied.code();
        String reason = denied.reason();
        ConsentVersion basis = denied.consentBasis();
        boolean allows = code.allows();
        String codeText = code.code();
        String explained = code.text();

        AccessDeniedException refused = new AccessDeniedException("view timeline of client-a", denied);
        Decision carried = refused.decision();

        Operation.Kind kind = Operation.VIEW_RESULT.kind();
        Set<Scope> scopes = Operation.VIEW_RESULT.childProtectionScopes();
        Organisation unit = new Organisation("cp-1", "Child protection, north", OrganisationKind.CHILD_PROTECTION_UNIT);
        String unitId = unit.id();
        String unitName = unit.name();
        OrganisationKind unitKind = unit.kind();

        assertTrue(isAllowed);
        assertFalse(denied.allowed());
        assertEquals(ReasonCode.DENIED_ROLE, of.code());
        assertTrue(made2.allowed() && allows == false && carried == denied);
        assertEquals(List.of(worker.role(), technician.role(), userId, role, organisationId, clientId, full.caseStatus(),
                reopened.caseStatus(), cid, displayName, organisation, status, closedAt, threshold, factor, reason == null, basis == null,
                codeText, explained.isEmpty(), kind, scopes.isEmpty(), unitId, unitName, unitKind).size(), 24);

        List<Enum<?>> values = List.of(CaseStatus.OPEN, CaseStatus.CLOSED,
                Operation.VIEW_TIMELINE, Operation.VIEW_RESULT, Operation.VIEW_MISSED_TESTS, Operation.VIEW_SUPPORT_REQUESTS,
                Operation.RECEIVE_ALERT, Operation.ACK_ALERT, Operation.EXPORT_REPORT, Operation.RECORD_CONSENT,
                Operation.REVOKE_CONSENT, Operation.VIEW_CONSENTS, Operation.SET_SCHEDULE, Operation.EDIT_ALERT_RULES,
                Operation.EXCUSE_MISSED_TEST, Operation.MANAGE_CLIENT, Operation.EXPORT_ALL_DATA_OF_CLIENT,
                Operation.VIEW_ACCESS_LOG_OF_CLIENT, Operation.MANAGE_DEVICES, Operation.CREATE_ENROLLMENT_CODE,
                Operation.VIEW_DEVICE_HEALTH, Operation.HANDLE_DEVICE_ALERT, Operation.MANAGE_USERS, Operation.VIEW_AUDIT_LOG, Operation.VERIFY_AUDIT,
                Operation.DELETE_EXPIRED,
                Operation.Kind.EVENT, Operation.Kind.CLIENT, Operation.Kind.SYSTEM,
                OrganisationKind.SUBSTANCE_ABUSE_SERVICE, OrganisationKind.CHILD_PROTECTION_UNIT,
                ReasonCode.ALLOWED_OWN_ORGANISATION, ReasonCode.ALLOWED_OWN_DATA, ReasonCode.ALLOWED_BY_CONSENT,
                ReasonCode.ALLOWED_OWN_UNIT_CONSENT, ReasonCode.ALLOWED_FOR_ROLE, ReasonCode.DENIED_ROLE,
                ReasonCode.DENIED_OTHER_ORGANISATION, ReasonCode.DENIED_NOT_OWN_DATA, ReasonCode.DENIED_CASE_CLOSED,
                ReasonCode.DENIED_NO_CONSENT, ReasonCode.DENIED_CONSENT_NOT_YET_IN_FORCE, ReasonCode.DENIED_CONSENT_EXPIRED,
                ReasonCode.DENIED_CONSENT_REVOKED, ReasonCode.DENIED_SCOPE_NOT_GIVEN, ReasonCode.DENIED_NOT_IN_AUDIENCE,
                ReasonCode.DENIED_EVENT_OUTSIDE_PERIOD,
                Role.SUBSTANCE_ABUSE_WORKER, Role.CHILD_PROTECTION_WORKER, Role.TECHNICIAN, Role.ADMINISTRATOR, Role.PARENT);
        assertEnumsComplete(values, CaseStatus.values(), Operation.values(), Operation.Kind.values(), OrganisationKind.values(),
                ReasonCode.values(), Role.values());
        assertEquals(CaseStatus.OPEN, CaseStatus.valueOf("OPEN"));
        assertEquals(Operation.ACK_ALERT, Operation.valueOf("ACK_ALERT"));
        assertEquals(Operation.Kind.EVENT, Operation.Kind.valueOf("EVENT"));
        assertEquals(OrganisationKind.CHILD_PROTECTION_UNIT, OrganisationKind.valueOf("CHILD_PROTECTION_UNIT"));
        assertEquals(ReasonCode.DENIED_ROLE, ReasonCode.valueOf("DENIED_ROLE"));
        assertEquals(Role.PARENT, Role.valueOf("PARENT"));
    }

    @Test
    void account() {
        ThrottlePolicy policy = new ThrottlePolicy(5, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofHours(24));
        ThrottlePolicy pair = ThrottlePolicy.ACCOUNT_FROM_SOURCE;
        ThrottlePolicy source = ThrottlePolicy.SOURCE;
        ThrottlePolicy account = ThrottlePolicy.ACCOUNT;
        int free = policy.freeFailures();
        Duration first = policy.firstDelay();
        Duration max = policy.maxDelay();
        Duration forget = policy.forgetAfter();
        Duration delay = policy.delayAfter(6);
        LoginThrottle throttle = new LoginThrottle(pair, source, account);
        LoginThrottle defaults = LoginThrottle.defaults();
        ThrottlePolicy ofKey = throttle.policy(LoginThrottle.Key.ACCOUNT);
        ThrottleState none = ThrottleState.NONE;
        ThrottleState now = throttle.current(LoginThrottle.Key.SOURCE, none, T0);
        ThrottleState failed = throttle.failed(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, now, T0);
        boolean begins = throttle.delaysBegin(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, failed);
        ThrottleDecision check = defaults.decide(java.util.Map.of(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, failed), T0);
        boolean allowed = check.allowed();
        Instant retryAt = check.retryAt();
        LoginThrottle.Key slowedBy = check.slowedBy();
        ThrottleDecision made = new ThrottleDecision(true, null, null);
        ThrottleDecision go = ThrottleDecision.ALLOWED;
        ThrottleState state = new ThrottleState(1, T0, null);
        int failures = state.failures();
        Instant last = state.lastFailure();
        Instant waitUntil = state.waitUntil();
        String key = LoginThrottle.Key.ACCOUNT_FROM_SOURCE.of("worker", "192.0.2.1");
        boolean cleared = LoginThrottle.Key.SOURCE.clearedBySuccess();
        assertEnumsComplete(List.of(LoginThrottle.Key.ACCOUNT_FROM_SOURCE, LoginThrottle.Key.SOURCE, LoginThrottle.Key.ACCOUNT),
                LoginThrottle.Key.values());
        assertEquals(LoginThrottle.Key.SOURCE, LoginThrottle.Key.valueOf("SOURCE"));
        Totp totp = new Totp();
        Totp sha256 = new Totp("HmacSHA256", 8);
        long step = Totp.stepOf(T0);
        String code = totp.code(new byte[20], step);
        java.util.OptionalLong matched = totp.verify(new byte[20], code, T0, Long.MIN_VALUE);
        int digits = Totp.DIGITS;
        Duration totpStep = Totp.STEP;
        int skew = Totp.SKEW_STEPS;
        int secretBytes = Totp.SECRET_BYTES;
        assertTrue(allowed && go.allowed() && made.allowed() && matched.isPresent() && !cleared && !begins);
        assertEquals(null, retryAt);
        assertEquals(null, slowedBy);
        assertEquals(1, failures + free - 5);
        assertEquals(T0, last);
        assertEquals(null, waitUntil);
        assertEquals("pair:worker|192.0.2.1", key);
        assertEquals(Duration.ofSeconds(1), delay);
        assertEquals(List.of(first, max, forget).size(), 3);
        assertEquals(ofKey, account);
        assertEquals(6 + 2, digits + sha256.code(new byte[20], step).length() - 6);
        assertEquals(List.of(totpStep, skew, secretBytes).size(), 3);

        int maxPassword = PasswordHasher.MAX_PASSWORD_LENGTH;
        PasswordHasher.Cost owasp = PasswordHasher.Cost.OWASP_MINIMUM;
        PasswordHasher.Cost cheap = new PasswordHasher.Cost(64, 1, 1);
        int memory = cheap.memoryKiB();
        int iterations = cheap.iterations();
        int parallelism = cheap.parallelism();
        PasswordHasher hasher = new PasswordHasher(cheap, new SecureRandom());
        String hash = hasher.hash("correct horse".toCharArray());
        boolean verified = hasher.verify("correct horse".toCharArray(), hash);
        boolean rehash = new PasswordHasher(owasp, new SecureRandom()).needsRehash(hash);
        hasher.equaliseTimingForUnknownAccount("guess".toCharArray());

        assertTrue(allowed && verified && rehash && made.allowed());
        assertEquals(List.of(maxPassword, memory, iterations, parallelism, owasp).size(), 5);
    }

    @Test
    void alerts() {
        AlertEngine engine = new AlertEngine(HELSINKI);
        Client client = Client.open("client-a", "Parent A", "sa-north");
        ConsentVersion consent = ConsentVersion.first("consent-1", client.id(), "cp-1", T0.minus(Duration.ofDays(7)),
                T0.plus(Duration.ofDays(90)), EnumSet.allOf(Scope.class), "worker-sa", T0.minus(Duration.ofDays(8)));
        AlertRules rules = AlertRules.defaults();
        Duration silentAfterDefault = AlertRules.DEFAULT_SILENT_AFTER;
        RuleSetting setting = rules.setting(AlertKind.OVER_THRESHOLD);
        RuleSetting made = new RuleSetting(true, false, Duration.ofHours(1));
        AlertRules changed = new AlertRules(rules.settings(), silentAfterDefault)
                .with(AlertKind.TAMPER, made.withEnabled(false)).withSilentAfter(Duration.ofHours(12));
        Map<AlertKind, RuleSetting> settings = changed.settings();
        Duration silentAfter = changed.silentAfter();
        boolean enabled = setting.enabled();
        boolean share = setting.shareWithChildProtection();
        Duration escalateAfter = setting.escalateAfter();

        CaseContext context = new CaseContext(client, rules, ConsentHistory.of(client.id(), List.of(consent)));
        Client contextClient = context.client();
        AlertRules contextRules = context.rules();
        ConsentHistory contextConsents = context.consents();

        Reading positive = new Reading(DEVICE, 10, clock(T0), new TestReason.Scheduled(T0.minus(Duration.ofMinutes(2)), false),
                Outcome.FAIL, new BreathAlcohol(300), new BreathAlcohol(100), null, 4500, 300,
                new SensorFacts("BG-FC1", "SIM-000123", LocalDate.parse("2027-05-01")));
        Instant received = T0.plusSeconds(60);
        List<AlertCommand> raised = engine.onEvidence(positive, received, context, AlertLookup.of(Map.of()), received);
        Alert alert = raised.get(0).alert();
        AlertLookup lookup = AlertLookup.of(Map.of(alert.key(), alert));
        Optional<Alert> found = lookup.find(alert.key());

        List<AlertCommand> photo = engine.onPhotoMismatch(DEVICE, 10, EventTime.exact(T0), context, lookup, received);
        MissedTest missed = new MissedTest(DEVICE, 11, clock(T0.plusSeconds(3600)),
                new TestReason.Scheduled(T0.plusSeconds(1800), false), T0.plusSeconds(1800), T0.plusSeconds(3600), 1);
        Excuse excuse = new Excuse(DEVICE, 11, "worker-sa", "at the hospital", received);
        List<AlertCommand> excused = engine.onExcuse(excuse, missed, context, lookup, received);
        List<AlertCommand> silent = engine.onSilenceCheck(DEVICE, T0.minus(Duration.ofDays(2)), context, lookup, received);
        List<AlertCommand> heard = engine.onDeviceHeard(DEVICE, T0.minus(Duration.ofDays(2)), received, lookup);
        List<AlertCommand> ticked = engine.onTick(List.of(alert), received.plus(Duration.ofDays(1)));
        List<AlertCommand> integrity = engine.onIntegrity(DEVICE, "seq_reused", 10L, received, context, lookup, received);
        List<AlertCommand> clockDoubted = engine.onClockDoubted(positive, received, "ahead", context, lookup, received);
        List<AlertCommand> unassigned = engine.onUnassignedEvidence(positive, received, T0, context, lookup, received);
        Actor technician = Actor.technician("tech-1");
        Decision technicianMayReceive = AlertEngine.mayReceive(integrity.get(0).alert(), technician, context, received);
        boolean aboutTheDevice = AlertKind.DEVICE_INTEGRITY.aboutTheDevice();
        List<AlertCommand> expected = engine.onExpectedTestMissing(DEVICE, T0, T0.minus(Duration.ofMinutes(30)),
                T0.plus(Duration.ofMinutes(30)), context, lookup, received);
        List<AlertCommand> arrived = engine.onExpectedTestArrived(DEVICE, T0, missed, received, lookup);
        List<AlertCommand> asked = engine.onRequestedTestMissing(DEVICE, 1, T0, T0.plus(Duration.ofMinutes(30)), context, lookup, received);
        List<AlertCommand> answered = engine.onRequestedTestArrived(DEVICE, 1, missed, received, lookup);
        String requestedKey = AlertKeys.requestedTest(DEVICE, 1);
        assertEquals(List.of(asked, answered, requestedKey).size(), 3);
        List<AlertCommand> ending = engine.onConsentExpiring(DEVICE, "consent-1", "Unit 1", received.plus(Duration.ofDays(10)),
                context, lookup, received);
        assertEquals(List.of(expected, arrived, ending).size(), 3);

        Actor worker = Actor.substanceAbuseWorker("worker-sa", "sa-north");
        Decision mayReceive = AlertEngine.mayReceive(alert, worker, context, received);
        Decision mayAcknowledge = AlertEngine.mayAcknowledge(alert, worker, context, received);
        AlertCommand.Acknowledged acknowledged = engine.acknowledge(alert, worker, "called the parent", context, received);
        Acknowledgement ack = acknowledged.alert().acknowledgement();
        String by = ack.by();
        String note = ack.note();
        Instant at = ack.at();
        Acknowledgement madeAck = new Acknowledgement("worker-sa", "seen", received);

        String key = alert.key();
        String clientId = alert.clientId();
        String deviceId = alert.deviceId();
        AlertKind kind = alert.kind();
        Severity severity = alert.severity();
        AlertStatus status = alert.status();
        String summary = alert.summary();
        Audience audience = alert.audience();
        List<AlertEvidence> evidence = alert.evidence();
        EventTime eventTime = alert.eventTime();
        Instant raisedAt = alert.raisedAt();
        Instant updatedAt = alert.updatedAt();
        Instant escalateAt = alert.escalateAt();
        Instant escalatedAt = alert.escalatedAt();
        String resolution = alert.resolution();
        boolean open = alert.open();
        boolean contains = alert.contains(10);
        Alert copy = new Alert(key, clientId, deviceId, kind, severity, status, summary, audience, evidence, eventTime, raisedAt,
                updatedAt, escalateAt, escalatedAt, null, resolution);

        boolean includes = audience.includes(worker);
        String audienceOrganisation = audience.substanceAbuseOrganisationId();
        Set<String> units = audience.childProtectionUnitIds();
        Audience madeAudience = new Audience("sa-north", Set.of("cp-1"));
        Audience withTechnicians = new Audience("sa-north", Set.of(), true);
        boolean technicians = withTechnicians.technicians();

        AlertEvidence item = evidence.get(0);
        long seq = item.seq();
        AlertEvidence.Role evidenceRole = item.role();
        Outcome outcome = item.outcome();
        BreathAlcohol value = item.value();
        EventTime time = item.time();
        boolean isExcused = item.excused();
        AlertEvidence madeEvidence = new AlertEvidence(seq, evidenceRole, outcome, value, time, isExcused);

        AlertCommand raise = new AlertCommand.Raise(copy);
        AlertCommand escalate = new AlertCommand.Escalate(copy);
        AlertCommand.Update update = new AlertCommand.Update(copy, "retest passed", false);
        String change = update.change();
        boolean deliverAgain = update.deliverAgain();
        AlertCommand acknowledgedCommand = new AlertCommand.Acknowledged(copy);
        for (AlertCommand command : List.of(raise, escalate, update, acknowledgedCommand)) {
            assertEquals(copy, command.alert());
        }

        List<String> keys = List.of(AlertKeys.expectedTest(DEVICE, T0), AlertKeys.consentExpiring(DEVICE, "consent-1", T0),
                AlertKeys.chain(DEVICE, 10), AlertKeys.missedTest(DEVICE, 11), AlertKeys.tamper(DEVICE, 12),
                AlertKeys.photoMismatch(DEVICE, 10), AlertKeys.supportRequest(DEVICE, 13), AlertKeys.silence(DEVICE, T0),
                AlertKeys.integrity(DEVICE, "seq_reused", 10L, T0), AlertKeys.clockDoubted(DEVICE, "boot-1"), AlertKeys.unassigned(DEVICE, 20_000));

        assertTrue(found.isPresent() && mayReceive.allowed() && mayAcknowledge.allowed() && open && contains && includes);
        assertTrue(technicianMayReceive.allowed() && aboutTheDevice && technicians);
        assertEquals(List.of(AlertKind.DEVICE_INTEGRITY, AlertKind.CLOCK_DOUBTED, AlertKind.UNASSIGNED_EVIDENCE),
                List.of(integrity.get(0).alert().kind(), clockDoubted.get(0).alert().kind(), unassigned.get(0).alert().kind()));
        assertEquals(copy, alert);
        assertEquals(madeEvidence, item);
        assertEquals(List.of(silentAfterDefault, settings, silentAfter, enabled, share, escalateAfter, contextClient, contextRules,
                contextConsents, photo, excused, silent, heard, ticked, by, note, at, madeAck, units, audienceOrganisation,
                madeAudience, change, deliverAgain, keys).size(), 24);

        List<Enum<?>> values = List.of(AlertEvidence.Role.TEST, AlertEvidence.Role.RETEST, AlertEvidence.Role.MISSED_TEST,
                AlertEvidence.Role.MISSED_RETEST, AlertEvidence.Role.TAMPER, AlertEvidence.Role.SUPPORT_REQUEST,
                AlertEvidence.Role.PHOTO_MISMATCH, AlertEvidence.Role.INTEGRITY, AlertEvidence.Role.CLOCK_DOUBTED,
                AlertEvidence.Role.UNASSIGNED, AlertEvidence.Role.EXPECTED_TEST, AlertEvidence.Role.CONSENT,
                AlertKind.CONFIRMED_POSITIVE, AlertKind.OVER_THRESHOLD, AlertKind.MISSED_TEST, AlertKind.TAMPER,
                AlertKind.DEVICE_SILENT, AlertKind.SUPPORT_REQUEST, AlertKind.PHOTO_MISMATCH, AlertKind.DEVICE_INTEGRITY,
                AlertKind.CLOCK_DOUBTED, AlertKind.UNASSIGNED_EVIDENCE, AlertKind.EXPECTED_TEST_MISSING,
                AlertKind.CONSENT_EXPIRING,
                AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED,
                Severity.INFO, Severity.WARNING, Severity.HIGH);
        assertEnumsComplete(values, AlertEvidence.Role.values(), AlertKind.values(), AlertStatus.values(), Severity.values());
        assertEquals(AlertEvidence.Role.TEST, AlertEvidence.Role.valueOf("TEST"));
        assertEquals(AlertKind.TAMPER, AlertKind.valueOf("TAMPER"));
        assertEquals(AlertStatus.OPEN, AlertStatus.valueOf("OPEN"));
        assertEquals(Severity.HIGH, Severity.valueOf("HIGH"));
    }

    @Test
    void audit() {
        String genesis = AuditChain.GENESIS_HASH;
        AuditRecord first = AuditRecord.of(T0, "worker-sa", AuditAction.TIMELINE_VIEWED, "client", "client-a", "2026-03");
        AuditRecord second = new AuditRecord(T0.plusSeconds(1), "admin", "user.created", "user", "worker-2", "");
        AuditEntry one = AuditChain.append(Optional.empty(), first);
        AuditEntry two = AuditChain.append(Optional.of(one), second);
        AuditRecord content = two.content();
        long seq = two.seq();
        Instant at = two.at();
        String actor = two.actor();
        String action = two.action();
        String subjectType = two.subjectType();
        String subjectId = two.subjectId();
        String detail = two.detail();
        String prevHash = two.prevHash();
        String hash = two.hash();
        AuditEntry copy = new AuditEntry(seq, at, actor, action, subjectType, subjectId, detail, prevHash, hash);

        AuditAnchor anchor = AuditAnchor.of(two);
        AuditAnchor madeAnchor = new AuditAnchor(anchor.seq(), anchor.hash());
        AuditVerification whole = AuditChain.verify(List.of(one, two));
        AuditVerification anchored = AuditChain.verify(List.of(one, two), List.of(anchor));
        AuditVerification after = AuditChain.verifyAfter(one, List.of(two), List.of(anchor));
        boolean intact = whole.intact();
        AuditVerification.Problem problem = whole.problem();
        int index = whole.index();
        long problemSeq = whole.seq();
        String message = whole.message();
        int checked = whole.checked();
        long headSeq = whole.headSeq();
        String headHash = whole.headHash();
        AuditVerification made = new AuditVerification(problem, index, problemSeq, message, checked, headSeq, headHash);

        assertTrue(intact && anchored.intact() && after.intact());
        assertEquals(copy, two);
        assertEquals(made, whole);
        assertEquals(madeAnchor, anchor);
        assertEquals(genesis, one.prevHash());
        assertEquals(List.of(content.at(), content.actor(), content.action(), content.subjectType(), content.subjectId(),
                content.detail()).size(), 6);
        assertEquals("timeline.viewed", AuditAction.TIMELINE_VIEWED.code());

        List<Enum<?>> values = List.of(AuditAction.TIMELINE_VIEWED, AuditAction.RESULT_VIEWED, AuditAction.MISSED_TEST_VIEWED,
                AuditAction.REPORT_EXPORTED, AuditAction.CLIENT_DATA_EXPORTED, AuditAction.CONSENT_RECORDED,
                AuditAction.CONSENT_REVOKED, AuditAction.ALERT_ACKNOWLEDGED, AuditAction.MISSED_TEST_EXCUSED,
                AuditAction.SCHEDULE_SET, AuditAction.ALERT_RULES_CHANGED, AuditAction.DATA_DELETED, AuditAction.ACCESS_DENIED,
                AuditAction.LOGIN_SUCCEEDED, AuditAction.LOGIN_FAILED, AuditAction.LOGIN_SLOWED, AuditAction.LOGIN_REFUSED,
                AuditAction.AUDIT_VERIFIED,
                AuditVerification.Problem.CONTENT_CHANGED, AuditVerification.Problem.BROKEN_LINK,
                AuditVerification.Problem.ENTRIES_MISSING, AuditVerification.Problem.OUT_OF_ORDER,
                AuditVerification.Problem.ANCHOR_MISMATCH, AuditVerification.Problem.TRUNCATED);
        assertEnumsComplete(values, AuditAction.values(), AuditVerification.Problem.values());
        assertEquals(AuditAction.DATA_DELETED, AuditAction.valueOf("DATA_DELETED"));
        assertEquals(AuditVerification.Problem.TRUNCATED, AuditVerification.Problem.valueOf("TRUNCATED"));
    }

    @Test
    void consents() {
        Instant from = T0.minus(Duration.ofDays(1));
        Instant until = T0.plus(Duration.ofDays(90));
        ConsentVersion first = ConsentVersion.first("consent-1", "client-a", "cp-1", from, until, EnumSet.of(Scope.RESULTS),
                "worker-sa", from);
        ConsentVersion amended = first.amend(from, until, EnumSet.allOf(Scope.class), "worker-sa", T0);
        ConsentVersion revoked = amended.revoke("worker-sa", T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)));
        ConsentVersion made = new ConsentVersion(first.consentId(), first.version(), first.clientId(), first.childProtectionUnitId(),
                first.validFrom(), first.validUntil(), first.scopes(), first.recordedBy(), first.recordedAt(), first.revokedAt(),
                first.revokedBy());
        boolean isRevoked = revoked.revoked();
        boolean holds = first.periodHolds(T0);

        ConsentHistory empty = ConsentHistory.empty("client-a");
        ConsentHistory history = ConsentHistory.of("client-a", List.of(first)).with(amended);
        ConsentHistory madeHistory = new ConsentHistory(history.clientId(), history.versions());
        Set<String> units = history.units();
        Optional<ConsentVersion> latest = history.latest("consent-1");
        EventTime event = EventTime.exact(T0);
        ConsentCheck check = history.check("cp-1", Scope.RESULTS, event, T0);
        boolean covers = history.covers("cp-1", Scope.ALERTS, event, T0);
        boolean any = empty.anyRecordedFor("cp-1", T0);
        boolean covered = check.covered();
        ConsentCheck.Result result = check.result();
        ConsentVersion basis = check.basis();
        ConsentCheck madeCheck = new ConsentCheck(result, basis);

        Instant unknown = EventTime.UNKNOWN_START;
        EventTime fromClock = EventTime.of(clock(T0), T0.plusSeconds(5));
        EventTime fromParts = EventTime.of(T0, false, T0.plusSeconds(5));
        EventTime span = EventTime.span(List.of(fromClock, fromParts));
        EventTime madeTime = new EventTime(T0, T0.plusSeconds(5));
        boolean exact = fromClock.isExact();
        Instant shown = madeTime.shown();
        boolean within = madeTime.within(T0.minusSeconds(1), T0.plusSeconds(10));
        Instant earliest = fromParts.earliest();
        Instant latestTime = span.latest();

        assertTrue(isRevoked && holds && covers && covered && exact && within && !any);
        assertEquals(made, first);
        assertEquals(madeHistory, history);
        assertEquals(madeCheck, check);
        assertEquals(Set.of("cp-1"), units);
        assertEquals(amended, latest.orElseThrow());
        assertTrue(unknown.isBefore(earliest));
        assertEquals(List.of(shown, latestTime).size(), 2);

        List<Enum<?>> values = List.of(ConsentCheck.Result.COVERED, ConsentCheck.Result.EVENT_OUTSIDE_PERIOD,
                ConsentCheck.Result.SCOPE_NOT_GIVEN, ConsentCheck.Result.NOT_YET_IN_FORCE, ConsentCheck.Result.EXPIRED,
                ConsentCheck.Result.REVOKED, ConsentCheck.Result.NO_CONSENT_FOR_UNIT,
                Scope.RESULTS, Scope.MISSED_TESTS, Scope.ALERTS);
        assertEnumsComplete(values, ConsentCheck.Result.values(), Scope.values());
        assertEquals(ConsentCheck.Result.EXPIRED, ConsentCheck.Result.valueOf("EXPIRED"));
        assertEquals(Scope.ALERTS, Scope.valueOf("ALERTS"));
    }

    @Test
    void retention() {
        RetentionPolicy policy = new RetentionPolicy(Period.ofYears(2), Period.ofMonths(6), HELSINKI);
        Client closed = Client.open("client-a", "Parent A", "sa-north").closed(T0);
        Optional<Instant> resultsFrom = policy.resultsDeletableFrom(closed);
        Instant photoFrom = policy.photoDeletableFrom(T0);
        PhotoRef photo = new PhotoRef("photo-1", "client-b", T0);
        String photoId = photo.photoId();
        String photoClient = photo.clientId();
        Instant takenAt = photo.takenAt();
        List<DeletionTask> due = policy.due(List.of(closed), List.of(photo), T0.plus(Duration.ofDays(3 * 365)));
        Period results = policy.resultsAfterCaseClosed();
        Period photos = policy.photosAfterTaken();
        ZoneId zone = policy.zone();

        List<Instant> dueSince = new ArrayList<>();
        for (DeletionTask task : due) {
            dueSince.add(task.dueSince());
            if (task instanceof DeletionTask.ClientResults r) {
                assertEquals("client-a", r.clientId());
            } else if (task instanceof DeletionTask.Photo p) {
                assertEquals(List.of("photo-1", "client-b"), List.of(p.photoId(), p.clientId()));
            } else {
                throw new AssertionError(task);
            }
        }
        DeletionTask madeResults = new DeletionTask.ClientResults("client-a", T0);
        DeletionTask madePhoto = new DeletionTask.Photo("photo-1", "client-a", T0);

        assertTrue(resultsFrom.isPresent());
        assertEquals(2, due.size());
        assertEquals(List.of(photoFrom, photoId, photoClient, takenAt, results, photos, zone, dueSince, madeResults.dueSince(),
                madePhoto.dueSince()).size(), 10);
    }

    @Test
    void support() {
        org.breathgate.care.access.Client client = org.breathgate.care.access.Client.open("client-a", "A", "sa-1");
        org.breathgate.care.support.SupportRouting.Route route =
                org.breathgate.care.support.SupportRouting.route(org.breathgate.protocol.SupportNeed.CALL_ME);
        assertTrue(org.breathgate.care.support.SupportRouting.mayHandle(
                org.breathgate.care.access.Actor.substanceAbuseWorker("w", "sa-1"), route, client).allowed());
        assertEquals(org.breathgate.protocol.SupportReply.Role.WORKER,
                org.breathgate.care.support.SupportRouting.replyRole(org.breathgate.care.access.Actor.substanceAbuseWorker("w", "sa-1")));
        List<Enum<?>> values = List.of(org.breathgate.care.support.SupportRouting.Route.WORKER,
                org.breathgate.care.support.SupportRouting.Route.ON_CALL, org.breathgate.care.support.SupportRouting.Route.TECHNICIAN);
        assertEnumsComplete(values, org.breathgate.care.support.SupportRouting.Route.values());
        assertEquals(route, org.breathgate.care.support.SupportRouting.Route.fromCode(route.code()));
    }

    @Test
    void webhooks() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(30), Duration.ofHours(1), 24);
        RetryBackoff defaults = RetryBackoff.DEFAULT;
        Duration base = backoff.base();
        Duration cap = backoff.cap();
        int maxAttempts = backoff.maxAttempts();
        RetryDecision next = backoff.afterFailure(1, new Random(1));
        RetryDecision last = defaults.afterFailure(defaults.maxAttempts(), new Random(1));
        RetryDecision.RetryAfter retry = (RetryDecision.RetryAfter) next;
        Duration delay = retry.delay();
        int nextAttempt = retry.nextAttempt();
        RetryDecision.DeadLetter dead = (RetryDecision.DeadLetter) last;
        int attemptsMade = dead.attemptsMade();
        RetryDecision madeRetry = new RetryDecision.RetryAfter(delay, nextAttempt);
        RetryDecision madeDead = new RetryDecision.DeadLetter(attemptsMade);

        String header = WebhookSigner.HEADER;
        Duration tolerance = WebhookSigner.DEFAULT_TOLERANCE;
        byte[] secret = new byte[WebhookSigner.MIN_SECRET_BYTES];
        WebhookSigner signer = new WebhookSigner(secret);
        byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String signature = signer.sign(body, T0);
        WebhookVerification verification = signer.verify(body, signature, T0, tolerance);
        boolean valid = verification.valid();

        assertTrue(valid);
        assertEquals(madeRetry, retry);
        assertEquals(madeDead, dead);
        assertEquals(List.of(base, cap, maxAttempts, header).size(), 4);

        List<Enum<?>> values = List.of(WebhookVerification.VALID, WebhookVerification.MALFORMED_HEADER,
                WebhookVerification.TIMESTAMP_OUT_OF_TOLERANCE, WebhookVerification.SIGNATURE_MISMATCH);
        assertEnumsComplete(values, WebhookVerification.values());
        assertEquals(WebhookVerification.VALID, WebhookVerification.valueOf("VALID"));
    }

    /** Every public type of the module (nested ones too) is on this page, and nothing on it is gone. */
    @Test
    void every_public_type_is_on_this_page() throws IOException, URISyntaxException {
        Path classes = Path.of(AccessPolicy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                Class<?> type = loaded(name);
                if (isPublicFace(type)) {
                    found.add(type.getName());
                }
            }
        }
        Set<String> listed = new TreeSet<>();
        ON_THIS_PAGE.forEach(c -> listed.add(c.getName()));
        assertEquals(listed, found, "a public type came or went: call it from this test if it is API, else make it package-private");
    }

    private static boolean isPublicFace(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> loaded(String name) {
        try {
            return Class.forName(name, false, CareRulesPublicApiTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** The enum values named in a test are all the values there are: a new one is a change of the public face too. */
    private static void assertEnumsComplete(Collection<Enum<?>> named, Enum<?>[]... all) {
        Set<Enum<?>> every = new java.util.HashSet<>();
        for (Enum<?>[] values : all) {
            every.addAll(List.of(values));
        }
        assertEquals(every, Set.copyOf(named));
    }

    private static ClockFacts clock(Instant wall) {
        return new ClockFacts(wall, "5b1e8f0c-3c1a-4f7e", 3_600_000, true);
    }
}
