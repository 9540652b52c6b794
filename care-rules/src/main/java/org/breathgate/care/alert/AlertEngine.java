package org.breathgate.care.alert;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.care.access.Role;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TestReason;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides which alerts evidence raises, updates, resolves and escalates. Pure: it keeps no state of
 * its own. The alerts it has made so far are its state; it reads them through an {@link AlertLookup}
 * and returns {@link AlertCommand}s, each carrying the alert as it should now be stored. Feeding the
 * same event twice returns no command the second time.
 *
 * <p>Feed each device's evidence in sequence order (the receiver's ingest orders and gap-checks it).
 * Out of order, no alert is lost: a failed retest that arrives before its first positive raises the
 * confirmed alert at once; only the downgrade a passing retest brings may then be missed.
 *
 * <p>Alert texts are in English for workers; times are shown in {@code zone}.
 */
public final class AlertEngine {

    private final Summaries summaries;

    /** @param zone the zone times are shown in, e.g. {@code Europe/Helsinki} */
    public AlertEngine(ZoneId zone) {
        this.summaries = new Summaries(Objects.requireNonNull(zone, "zone"));
    }

    /**
     * A stored evidence event arrived.
     *
     * @param event      the verified event
     * @param receivedAt when the receiver got it (the event's time when the device clock was not synchronised)
     * @param context    the client's case as it is now
     * @param alerts     the stored alerts
     * @param now        the receiver's time
     */
    public List<AlertCommand> onEvidence(EvidenceEvent event, Instant receivedAt, CaseContext context, AlertLookup alerts,
                                         Instant now) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(now, "now");
        EventTime time = EventTime.of(event.clock(), receivedAt);
        if (event instanceof Reading) {
            return onReading((Reading) event, time, context, alerts, now);
        }
        if (event instanceof MissedTest) {
            return onMissedTest((MissedTest) event, time, context, alerts, now);
        }
        if (event instanceof TamperEvent) {
            TamperEvent tamper = (TamperEvent) event;
            String summary = "The device reported " + tamper.kind().wireName().replace('_', ' ') + " at "
                    + summaries.time(time) + ": " + tamper.detail() + ".";
            return single(AlertKeys.tamper(tamper.deviceId(), tamper.seq()), AlertKind.TAMPER, Severity.WARNING, summary,
                    new AlertEvidence(tamper.seq(), AlertEvidence.Role.TAMPER, null, null, time, false), event.deviceId(),
                    context, alerts, now);
        }
        if (event instanceof SupportRequest) {
            SupportRequest request = (SupportRequest) event;
            String summary = "The parent pressed \"I need support\" at " + summaries.time(time) + ". Please contact them.";
            return single(AlertKeys.supportRequest(request.deviceId(), request.seq()), AlertKind.SUPPORT_REQUEST, Severity.HIGH,
                    summary, new AlertEvidence(request.seq(), AlertEvidence.Role.SUPPORT_REQUEST, null, null, time, false),
                    event.deviceId(), context, alerts, now);
        }
        throw new IllegalArgumentException("unknown evidence event " + event.type());
    }

    /**
     * A worker reviewed the photo of reading {@code readingSeq} and found that it does not match the
     * client's reference photo. Raises one {@link AlertKind#PHOTO_MISMATCH} alert per reading (a second
     * such review of the same photo changes nothing). The worker's note stays with the review (and
     * its audit entry), not in the alert, which may be mailed.
     *
     * @param time when the reading was taken
     */
    public List<AlertCommand> onPhotoMismatch(String deviceId, long readingSeq, EventTime time, CaseContext context,
                                              AlertLookup alerts, Instant now) {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(now, "now");
        String summary = "A worker reviewed the photo taken at the test of " + summaries.time(time)
                + " and found that it does not match the client's reference photo. Someone else may have blown.";
        return single(AlertKeys.photoMismatch(deviceId, readingSeq), AlertKind.PHOTO_MISMATCH, Severity.WARNING, summary,
                new AlertEvidence(readingSeq, AlertEvidence.Role.PHOTO_MISMATCH, null, null, time, false), deviceId, context,
                alerts, now);
    }

    /**
     * The receiver found something wrong with a message the device signed ({@link AlertKind#DEVICE_INTEGRITY}): {@code
     * problem} is the receiver's reason code ({@code seq_reused}, {@code photo_hash_mismatch}, {@code store_failed}, ...).
     * One alert per problem and sequence number; for the substance-abuse service and the technicians. The summary names
     * no result.
     *
     * @param seq        the sequence number the device signed it under (for a photo, its reading's), or {@code null}
     * @param receivedAt when the receiver got it
     */
    public List<AlertCommand> onIntegrity(String deviceId, String problem, Long seq, Instant receivedAt, CaseContext context,
                                          AlertLookup alerts, Instant now) {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(receivedAt, "receivedAt");
        EventTime time = EventTime.exact(receivedAt);
        String number = seq == null ? "" : " (number " + seq + ")";
        String summary;
        switch (problem) {
            case "seq_reused":
                summary = "The device sent a message under a number it had already used" + number + ", with different content, at "
                        + summaries.time(time) + ". A copy of the device may be in use, or the device lost its count. The first"
                        + " message is kept; please have a technician check the device.";
                break;
            case "key_superseded":
                summary = "A message" + number + " was signed with the device's old key after the device had changed to a new key"
                        + " (received " + summaries.time(time) + "). The device itself never does that: a copy of its old key may be in"
                        + " use. The message was not kept as evidence; please have a technician check the device.";
                break;
            case "photo_hash_mismatch":
                summary = "A photo sent for the test" + number + " is not the photo the device recorded at that test (received "
                        + summaries.time(time) + "). It was not kept with the test; please have a technician check the device.";
                break;
            default:
                summary = "A message the device signed" + number + " could not be kept as evidence (" + problem.replace('_', ' ')
                        + ", received " + summaries.time(time) + "). Please have a technician check the device.";
        }
        List<AlertEvidence> evidence = seq == null ? List.of()
                : List.of(new AlertEvidence(seq, AlertEvidence.Role.INTEGRITY, null, null, time, false));
        return device(AlertKeys.integrity(deviceId, problem, seq, receivedAt), AlertKind.DEVICE_INTEGRITY, summary, evidence, time,
                deviceId, context, alerts, now);
    }

    /**
     * The receiver doubted the device's clock when {@code event} arrived ({@link AlertKind#CLOCK_DOUBTED}): the device said
     * it was synchronised, but it disagreed with the receiver's. One alert per boot of the device.
     *
     * @param why the receiver's finding, e.g. "ahead: the device clock was at least 21600 s ahead of the receiver's"
     */
    public List<AlertCommand> onClockDoubted(EvidenceEvent event, Instant receivedAt, String why, CaseContext context,
                                             AlertLookup alerts, Instant now) {
        Objects.requireNonNull(why, "why");
        EventTime time = EventTime.exact(receivedAt);
        String summary = "The device's clock did not agree with the receiver's when its message number " + event.seq()
                + " arrived at " + summaries.time(time) + " (" + why + "). Its results are filed by the time they arrived;"
                + " please have a technician check the device's clock.";
        return device(AlertKeys.clockDoubted(event.deviceId(), event.clock().bootId()), AlertKind.CLOCK_DOUBTED, summary,
                List.of(new AlertEvidence(event.seq(), AlertEvidence.Role.CLOCK_DOUBTED, null, null, time, false)), time,
                event.deviceId(), context, alerts, now);
    }

    /**
     * {@code event} belongs to no client's period with the device ({@link AlertKind#UNASSIGNED_EVIDENCE}): it is on no
     * timeline. {@code context} is the client the device was lent to nearest {@code attributedTo}. One alert per device
     * and day of receipt; later events of that day are added to it.
     *
     * @param attributedTo the time that placed it outside every period (the device's clock, or the receipt)
     */
    public List<AlertCommand> onUnassignedEvidence(EvidenceEvent event, Instant receivedAt, Instant attributedTo, CaseContext context,
                                                   AlertLookup alerts, Instant now) {
        EventTime time = EventTime.exact(receivedAt);
        String key = AlertKeys.unassigned(event.deviceId(), receivedAt.getEpochSecond() / 86_400);
        Optional<Alert> existing = alerts.find(key);
        if (existing.isPresent() && existing.get().contains(event.seq())) {
            return List.of();
        }
        List<AlertEvidence> evidence = with(existing,
                new AlertEvidence(event.seq(), AlertEvidence.Role.UNASSIGNED, null, null, time, false));
        String summary = "Device " + event.deviceId() + " sent " + (evidence.size() == 1 ? "a message" : evidence.size() + " messages")
                + " dated outside any period it was lent to a client (latest dated " + summaries.time(attributedTo) + ", received "
                + summaries.time(time) + "). They are kept, but on no timeline: please check with a technician whether the"
                + " device is still in use and who has it.";
        if (existing.isEmpty()) {
            return device(key, AlertKind.UNASSIGNED_EVIDENCE, summary, evidence, time, event.deviceId(), context, alerts, now);
        }
        return reconcile(existing, key, event.deviceId(), AlertKind.UNASSIGNED_EVIDENCE, Severity.WARNING, summary, evidence,
                EventTime.span(evidence.stream().map(AlertEvidence::time).toList()), context, now, "another message outside a period");
    }

    /** Raises an alert about the device once per key, if its rule is enabled. */
    private List<AlertCommand> device(String key, AlertKind kind, String summary, List<AlertEvidence> evidence, EventTime time,
                                      String deviceId, CaseContext context, AlertLookup alerts, Instant now) {
        if (!context.rules().setting(kind).enabled() || alerts.find(key).isPresent()) {
            return List.of();
        }
        return reconcile(Optional.empty(), key, deviceId, kind, Severity.WARNING, summary, evidence, time, context, now, "raised");
    }

    /**
     * A worker excused a missed or late test. A missed scheduled test's alert is resolved; an excused
     * missed retest no longer confirms its chain. A late test raised no alert, so nothing changes.
     *
     * @param excused the event the excuse is for
     * @throws IllegalArgumentException if the excuse is not for {@code excused}, or {@code excused} is
     *                                  neither a missed test nor a late scheduled test
     */
    public List<AlertCommand> onExcuse(Excuse excuse, EvidenceEvent excused, CaseContext context, AlertLookup alerts,
                                       Instant now) {
        if (!excuse.deviceId().equals(excused.deviceId()) || excuse.seq() != excused.seq()) {
            throw new IllegalArgumentException("excuse for " + excuse.deviceId() + "#" + excuse.seq() + " given with event "
                    + excused.deviceId() + "#" + excused.seq());
        }
        if (excused instanceof Reading) {
            TestReason reason = ((Reading) excused).reason();
            if (reason instanceof TestReason.Scheduled && ((TestReason.Scheduled) reason).late()) {
                return List.of();
            }
            throw new IllegalArgumentException("only a missed or late test can be excused; reading #" + excused.seq() + " was neither");
        }
        if (!(excused instanceof MissedTest)) {
            throw new IllegalArgumentException("only a missed or late test can be excused, not a " + excused.type());
        }
        MissedTest missed = (MissedTest) excused;
        String note = "Excused by " + excuse.by() + ": " + excuse.note();
        if (missed.reason() instanceof TestReason.Retest) {
            String key = AlertKeys.chain(missed.deviceId(), ((TestReason.Retest) missed.reason()).chainStart());
            Optional<Alert> existing = alerts.find(key);
            if (existing.isEmpty()) {
                return List.of();
            }
            List<AlertEvidence> evidence = new ArrayList<>();
            boolean changed = false;
            for (AlertEvidence e : existing.get().evidence()) {
                boolean target = e.seq() == missed.seq() && !e.excused();
                evidence.add(target ? e.asExcused() : e);
                changed |= target;
            }
            return changed ? chain(key, missed.deviceId(), evidence, existing, context, now, "missed retest excused. " + note)
                    : List.of();
        }
        Optional<Alert> existing = alerts.find(AlertKeys.missedTest(missed.deviceId(), missed.seq()));
        if (existing.isEmpty() || existing.get().status() == AlertStatus.RESOLVED) {
            return List.of();
        }
        Alert old = existing.get();
        List<AlertEvidence> evidence = old.evidence().stream().map(AlertEvidence::asExcused).toList();
        Alert resolved = new Alert(old.key(), old.clientId(), old.deviceId(), old.kind(), old.severity(), AlertStatus.RESOLVED,
                old.summary() + " " + note + ".", old.audience(), evidence, old.eventTime(), old.raisedAt(), latest(old.updatedAt(), now), null,
                old.escalatedAt(), old.acknowledgement(), note);
        return List.of(new AlertCommand.Update(resolved, "excused", false));
    }

    /**
     * Checks one device for silence: raises {@link AlertKind#DEVICE_SILENT} once nothing has been heard
     * for the client's {@code silentAfter}. Call it on a timer for every device in use.
     *
     * @param lastHeardAt when the receiver last got any message (evidence or status) from the device
     */
    public List<AlertCommand> onSilenceCheck(String deviceId, Instant lastHeardAt, CaseContext context, AlertLookup alerts,
                                             Instant now) {
        RuleSetting rule = context.rules().setting(AlertKind.DEVICE_SILENT);
        Duration silentAfter = context.rules().silentAfter();
        if (!rule.enabled() || now.isBefore(lastHeardAt.plus(silentAfter))) {
            return List.of();
        }
        String key = AlertKeys.silence(deviceId, lastHeardAt);
        if (alerts.find(key).isPresent()) {
            return List.of();
        }
        String summary = "Nothing heard from device " + deviceId + " since " + summaries.time(lastHeardAt) + " (more than "
                + silentAfter.toHours() + " hours). It may be switched off, unplugged or without a connection.";
        return reconcile(Optional.empty(), key, deviceId, AlertKind.DEVICE_SILENT, Severity.WARNING, summary, List.of(),
                new EventTime(lastHeardAt, now), context, now, "raised");
    }

    /**
     * A scheduled test has not reached the receiver by {@code now}: its window ({@code windowOpened} to {@code windowClosed})
     * closed, the client's grace passed, and no reading or missed-test record of the slot arrived. Raises one
     * {@link AlertKind#EXPECTED_TEST_MISSING} alert per slot; the receiver, which knows the schedule, calls it on a timer, so it
     * comes also when the device is silent.
     *
     * @param slot the slot's nominal time, as the device names it ({@code reason.slot})
     */
    public List<AlertCommand> onExpectedTestMissing(String deviceId, Instant slot, Instant windowOpened, Instant windowClosed,
                                                    CaseContext context, AlertLookup alerts, Instant now) {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(context, "context");
        String summary = "The test of " + summaries.time(slot) + " (window " + summaries.time(windowOpened) + "–"
                + summaries.time(windowClosed) + ") has not reached the service: no result and no missed-test record from device "
                + deviceId + ". The device may be switched off or without a connection, or the test was not taken.";
        EventTime window = new EventTime(windowOpened, windowClosed);
        return single(AlertKeys.expectedTest(deviceId, slot), AlertKind.EXPECTED_TEST_MISSING, Severity.WARNING, summary,
                new AlertEvidence(1, AlertEvidence.Role.EXPECTED_TEST, null, null, window, false), deviceId, context, alerts, now);
    }

    /**
     * The device's record of slot {@code slot} arrived (a reading or a missed test): an {@link AlertKind#EXPECTED_TEST_MISSING}
     * alert for it is resolved, saying what arrived.
     */
    public List<AlertCommand> onExpectedTestArrived(String deviceId, Instant slot, EvidenceEvent arrived, Instant now, AlertLookup alerts) {
        return resolveExpected(AlertKeys.expectedTest(deviceId, slot), arrived, now, alerts);
    }

    /**
     * A test a worker asked for ({@code test_request} number {@code request}, open from {@code issued} to {@code until}) has
     * not reached the receiver by {@code now}: the window closed, the client's grace passed, and no reading or missed-test
     * record answering the request arrived. Raises one {@link AlertKind#EXPECTED_TEST_MISSING} alert per request, keyed
     * {@link AlertKeys#requestedTest} so it never meets a scheduled slot's alert.
     */
    public List<AlertCommand> onRequestedTestMissing(String deviceId, long request, Instant issued, Instant until, CaseContext context,
                                                     AlertLookup alerts, Instant now) {
        Objects.requireNonNull(context, "context");
        String summary = "The test asked for at " + summaries.time(issued) + " (request " + request + ", window until "
                + summaries.time(until) + ") has not reached the service: no result and no missed-test record from device "
                + deviceId + ". The device may be switched off or without a connection, or the test was not taken.";
        EventTime window = new EventTime(issued, until);
        return single(AlertKeys.requestedTest(deviceId, request), AlertKind.EXPECTED_TEST_MISSING, Severity.WARNING, summary,
                new AlertEvidence(1, AlertEvidence.Role.EXPECTED_TEST, null, null, window, false), deviceId, context, alerts, now);
    }

    /** The device's record answering test request {@code request} arrived: its expected-test alert, if any, is resolved. */
    public List<AlertCommand> onRequestedTestArrived(String deviceId, long request, EvidenceEvent arrived, Instant now, AlertLookup alerts) {
        return resolveExpected(AlertKeys.requestedTest(deviceId, request), arrived, now, alerts);
    }

    private List<AlertCommand> resolveExpected(String key, EvidenceEvent arrived, Instant now, AlertLookup alerts) {
        Optional<Alert> existing = alerts.find(key);
        if (existing.isEmpty() || existing.get().status() == AlertStatus.RESOLVED) {
            return List.of();
        }
        Alert old = existing.get();
        String resolution = "The device's record arrived at " + summaries.time(now) + " ("
                + (arrived instanceof MissedTest ? "a missed test" : "a test") + ", #" + arrived.seq() + ").";
        Alert resolved = new Alert(old.key(), old.clientId(), old.deviceId(), old.kind(), old.severity(), AlertStatus.RESOLVED,
                old.summary() + " " + resolution, old.audience(), old.evidence(), old.eventTime(), old.raisedAt(),
                latest(old.updatedAt(), now), null, old.escalatedAt(), old.acknowledgement(), resolution);
        return List.of(new AlertCommand.Update(resolved, "expected test arrived", false));
    }

    /**
     * A consent ends within the warning period: one {@link AlertKind#CONSENT_EXPIRING} alert (information, never escalated,
     * never shared with child protection) per consent and end date, so the responsible worker can ask the parent in time.
     *
     * @param deviceId the device lent to the client now (an alert belongs to a device)
     * @param until    when the consent ends (exclusive)
     */
    public List<AlertCommand> onConsentExpiring(String deviceId, String consentId, String unitName, Instant until, CaseContext context,
                                                AlertLookup alerts, Instant now) {
        Objects.requireNonNull(until, "until");
        String summary = "The parent's consent to share with " + unitName + " ends after " + summaries.date(until.minusMillis(1))
                + ". Ask the parent whether they want to renew it.";
        return single(AlertKeys.consentExpiring(deviceId, consentId, until), AlertKind.CONSENT_EXPIRING, Severity.INFO, summary,
                new AlertEvidence(1, AlertEvidence.Role.CONSENT, null, null, new EventTime(now, now), false), deviceId, context,
                alerts, now);
    }

    /**
     * The device was heard again: a silence alert that began at {@code previousLastHeardAt} is resolved.
     */
    public List<AlertCommand> onDeviceHeard(String deviceId, Instant previousLastHeardAt, Instant heardAt, AlertLookup alerts) {
        Optional<Alert> existing = alerts.find(AlertKeys.silence(deviceId, previousLastHeardAt));
        if (existing.isEmpty() || existing.get().status() == AlertStatus.RESOLVED) {
            return List.of();
        }
        Alert old = existing.get();
        String resolution = "Heard again at " + summaries.time(heardAt) + ".";
        Alert resolved = new Alert(old.key(), old.clientId(), old.deviceId(), old.kind(), old.severity(), AlertStatus.RESOLVED,
                old.summary() + " " + resolution, old.audience(), old.evidence(), old.eventTime(), old.raisedAt(),
                latest(old.updatedAt(), heardAt), null, old.escalatedAt(), old.acknowledgement(), resolution);
        return List.of(new AlertCommand.Update(resolved, "device heard again", false));
    }

    /** Escalates every open alert whose time has come and that has not escalated yet. */
    public List<AlertCommand> onTick(Collection<Alert> alerts, Instant now) {
        List<AlertCommand> commands = new ArrayList<>();
        for (Alert a : alerts) {
            if (a.open() && a.escalateAt() != null && a.escalatedAt() == null && !now.isBefore(a.escalateAt())) {
                commands.add(new AlertCommand.Escalate(new Alert(a.key(), a.clientId(), a.deviceId(), a.kind(), a.severity(),
                        a.status(), a.summary(), a.audience(), a.evidence(), a.eventTime(), a.raisedAt(), latest(a.updatedAt(), now),
                        a.escalateAt(), now, a.acknowledgement(), a.resolution())));
            }
        }
        return commands;
    }

    /**
     * Whether {@code actor} may be shown {@code alert} now: it must be addressed to their organisation,
     * and (for a child-protection worker) the parent's consent must still cover it.
     */
    public static Decision mayReceive(Alert alert, Actor actor, CaseContext context, Instant now) {
        return audienceAndPolicy(alert, actor, Operation.RECEIVE_ALERT, context, now);
    }

    /**
     * Whether {@code actor} may acknowledge {@code alert} at {@code now}: it is addressed to their organisation, and the
     * policy allows {@link Operation#ACK_ALERT} for the alert's event time (consent still covers it for child protection).
     * {@link #acknowledge} decides the same before it acknowledges.
     */
    public static Decision mayAcknowledge(Alert alert, Actor actor, CaseContext context, Instant now) {
        return audienceAndPolicy(alert, actor, Operation.ACK_ALERT, context, now);
    }

    /**
     * A worker acknowledges an open alert with a note.
     *
     * @throws AccessDeniedException if the alert is not for them, or consent no longer covers it
     * @throws IllegalStateException if the alert is not open
     */
    public AlertCommand.Acknowledged acknowledge(Alert alert, Actor by, String note, CaseContext context, Instant at) {
        Decision decision = audienceAndPolicy(alert, by, Operation.ACK_ALERT, context, at);
        if (!decision.allowed()) {
            throw new AccessDeniedException("acknowledging alert " + alert.key(), decision);
        }
        if (!alert.open()) {
            throw new IllegalStateException("alert " + alert.key() + " is " + alert.status() + ", not open");
        }
        Acknowledgement ack = new Acknowledgement(by.userId(), note, at);
        return new AlertCommand.Acknowledged(new Alert(alert.key(), alert.clientId(), alert.deviceId(), alert.kind(),
                alert.severity(), AlertStatus.ACKNOWLEDGED, alert.summary(), alert.audience(), alert.evidence(),
                alert.eventTime(), alert.raisedAt(), latest(alert.updatedAt(), at), alert.escalateAt(), alert.escalatedAt(), ack,
                null));
    }

    private static Decision audienceAndPolicy(Alert alert, Actor actor, Operation operation, CaseContext context, Instant now) {
        if (!alert.clientId().equals(context.client().id())) {
            throw new IllegalArgumentException("alert " + alert.key() + " is about client " + alert.clientId()
                    + ", context is for " + context.client().id());
        }
        if (actor.role() == Role.TECHNICIAN) {
            // A technician handles alerts about a device, which carry no result: a system operation, never the client's.
            Decision technician = AccessPolicy.decide(actor, Operation.HANDLE_DEVICE_ALERT, now);
            return technician.allowed() && !alert.audience().includes(actor) ? Decision.of(ReasonCode.DENIED_NOT_IN_AUDIENCE) : technician;
        }
        Decision decision = AccessPolicy.decide(actor, operation, context.client(), context.consents(), alert.eventTime(), now);
        if (decision.allowed() && !alert.audience().includes(actor)) {
            return Decision.of(ReasonCode.DENIED_NOT_IN_AUDIENCE);
        }
        return decision;
    }

    private List<AlertCommand> onReading(Reading reading, EventTime time, CaseContext context, AlertLookup alerts, Instant now) {
        if (!reading.outcome().validSample()) {
            return List.of(); // no valid sample; if none follows, the device reports the window as missed
        }
        boolean retest = reading.reason() instanceof TestReason.Retest;
        long chainStart = retest ? ((TestReason.Retest) reading.reason()).chainStart() : reading.seq();
        AlertEvidence item = new AlertEvidence(reading.seq(), retest ? AlertEvidence.Role.RETEST : AlertEvidence.Role.TEST,
                reading.outcome(), reading.breathAlcohol(), time, false);
        String key = AlertKeys.chain(reading.deviceId(), chainStart);
        Optional<Alert> existing = alerts.find(key);
        if (existing.isPresent() && existing.get().contains(reading.seq())) {
            return List.of();
        }
        if (existing.isEmpty() && !retest && reading.outcome() == Outcome.PASS
                && (reading.breathAlcohol() == null || !reading.breathAlcohol().atOrAbove(context.client().alertThreshold()))) {
            return List.of(); // the common case: a sober test
        }
        String change = retest ? "retest " + reading.outcome().wireName() : "test " + reading.outcome().wireName();
        return chain(key, reading.deviceId(), with(existing, item), existing, context, now, change);
    }

    private List<AlertCommand> onMissedTest(MissedTest missed, EventTime time, CaseContext context, AlertLookup alerts,
                                            Instant now) {
        if (missed.reason() instanceof TestReason.Retest) {
            String key = AlertKeys.chain(missed.deviceId(), ((TestReason.Retest) missed.reason()).chainStart());
            Optional<Alert> existing = alerts.find(key);
            if (existing.isPresent() && existing.get().contains(missed.seq())) {
                return List.of();
            }
            AlertEvidence item = new AlertEvidence(missed.seq(), AlertEvidence.Role.MISSED_RETEST, null, null, time, false);
            return chain(key, missed.deviceId(), with(existing, item), existing, context, now, "retest missed");
        }
        String window = summaries.time(missed.windowOpened()) + "–" + summaries.time(missed.windowClosed())
                + (missed.clock().synced() ? "" : " by the device's clock, which was not synchronised");
        String summary = "A scheduled test was missed: the window " + window + " closed with no valid sample"
                + (missed.abortedAttempts() > 0 ? " (" + missed.abortedAttempts() + " attempts were started but aborted)" : "")
                + ".";
        return single(AlertKeys.missedTest(missed.deviceId(), missed.seq()), AlertKind.MISSED_TEST, Severity.WARNING, summary,
                new AlertEvidence(missed.seq(), AlertEvidence.Role.MISSED_TEST, null, null, time, false), missed.deviceId(),
                context, alerts, now);
    }

    private List<AlertCommand> single(String key, AlertKind kind, Severity severity, String summary, AlertEvidence item,
                                      String deviceId, CaseContext context, AlertLookup alerts, Instant now) {
        if (!context.rules().setting(kind).enabled() || alerts.find(key).isPresent()) {
            return List.of();
        }
        return reconcile(Optional.empty(), key, deviceId, kind, severity, summary, List.of(item), item.time(), context, now, "raised");
    }

    private List<AlertCommand> chain(String key, String deviceId, List<AlertEvidence> evidence, Optional<Alert> existing,
                                     CaseContext context, Instant now, String change) {
        ChainView view = ChainView.of(evidence, context.client(), context.rules());
        String summary = view.kind() == null ? null : summaries.chain(view, evidence, context.client());
        EventTime span = EventTime.span(evidence.stream().map(AlertEvidence::time).toList());
        return reconcile(existing, key, deviceId, view.kind(), view.severity(), summary, evidence, span, context, now, change);
    }

    /** Turns the alert an event calls for into the command that gets the store there from {@code existing}. */
    private List<AlertCommand> reconcile(Optional<Alert> existing, String key, String deviceId, AlertKind kind, Severity severity,
                                         String summary, List<AlertEvidence> evidence, EventTime eventTime, CaseContext context,
                                         Instant now, String change) {
        Client client = context.client();
        if (kind == null) {
            if (existing.isEmpty() || existing.get().status() == AlertStatus.RESOLVED) {
                return List.of();
            }
            Alert old = existing.get();
            String resolution = "No enabled rule applies any more (" + change + ").";
            return List.of(new AlertCommand.Update(new Alert(key, old.clientId(), deviceId, old.kind(), old.severity(),
                    AlertStatus.RESOLVED, old.summary(), old.audience(), evidence, eventTime, old.raisedAt(), latest(old.updatedAt(), now), null,
                    old.escalatedAt(), old.acknowledgement(), resolution), change, false));
        }
        Audience audience = audienceFor(kind, eventTime, context, now);
        if (existing.isEmpty()) {
            return List.of(new AlertCommand.Raise(new Alert(key, client.id(), deviceId, kind, severity, AlertStatus.OPEN, summary,
                    audience, evidence, eventTime, now, now, escalateAt(kind, severity, context, now), null, null, null)));
        }
        Alert old = existing.get();
        boolean moreSevere = severity.compareTo(old.severity()) > 0
                || (kind == AlertKind.CONFIRMED_POSITIVE && old.kind() != AlertKind.CONFIRMED_POSITIVE);
        AlertStatus status = old.status();
        Instant escalateAt = old.escalateAt();
        Instant escalatedAt = old.escalatedAt();
        String resolution = old.resolution();
        // The receiver's clock may step back a little; an alert's history never runs backwards.
        now = latest(old.updatedAt(), now);
        if (moreSevere) {
            // A worsened situation needs a person again, on a fresh escalation clock.
            status = AlertStatus.OPEN;
            resolution = null;
            escalateAt = escalateAt(kind, severity, context, now);
            escalatedAt = null;
        } else if (severity == Severity.INFO) {
            escalateAt = null;
        }
        Set<String> newUnits = new HashSet<>(audience.childProtectionUnitIds());
        newUnits.removeAll(old.audience().childProtectionUnitIds());
        Alert updated = new Alert(key, old.clientId(), deviceId, kind, severity, status, summary, audience, evidence, eventTime,
                old.raisedAt(), latest(old.updatedAt(), now), escalateAt, escalatedAt, old.acknowledgement(), resolution);
        boolean reopened = old.status() != AlertStatus.OPEN && status == AlertStatus.OPEN;
        return List.of(new AlertCommand.Update(updated, change, moreSevere || reopened || !newUnits.isEmpty()));
    }

    private static Audience audienceFor(AlertKind kind, EventTime eventTime, CaseContext context, Instant now) {
        Set<String> units = new TreeSet<>();
        if (context.rules().setting(kind).shareWithChildProtection()) {
            for (String unit : context.consents().units()) {
                if (context.consents().covers(unit, Scope.ALERTS, eventTime, now)) {
                    units.add(unit);
                }
            }
        }
        return new Audience(context.client().substanceAbuseOrganisationId(), units, kind.aboutTheDevice());
    }

    private static Instant escalateAt(AlertKind kind, Severity severity, CaseContext context, Instant now) {
        Duration after = context.rules().setting(kind).escalateAfter();
        return severity == Severity.INFO || after == null ? null : now.plus(after);
    }

    private static List<AlertEvidence> with(Optional<Alert> existing, AlertEvidence item) {
        List<AlertEvidence> evidence = new ArrayList<>(existing.map(Alert::evidence).orElse(List.of()));
        evidence.add(item);
        evidence.sort((a, b) -> Long.compare(a.seq(), b.seq()));
        return evidence;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
