package org.breathgate.receiver.care;

import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.AccessPolicy;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.access.Role;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertCommand;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.audit.AuditRecord;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.care.consent.Scope;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.Schedule;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.Topics;
import org.breathgate.receiver.care.alert.AlertJson;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.alert.ExcuseStore;
import org.breathgate.receiver.care.audit.AuditLog;
import org.breathgate.receiver.care.consent.ConsentStore;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.evidence.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The care workflow's operations for signed-in people. Every operation asks the care core's
 * {@link AccessPolicy} first, and writes an audit entry for every read of results, every export,
 * every consent change and every alert acknowledgement, refused ones included ({@code access.denied}).
 * A refusal is audited in its own committed transaction and then thrown as {@link AccessDeniedException}.
 *
 * <p>Each operation runs in one transaction on the database's writer connection, so what is shown
 * and the audit entry saying it was shown commit together.
 */
public final class CareService {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Until the enrolment step stores a device's language and heartbeat, configurations use these. */
    static final String DEFAULT_LANGUAGE = "fi";
    static final int DEFAULT_STATUS_INTERVAL_SECONDS = 600;

    private final Database database;
    private final AuditLog audit;
    private final AlertEngine engine;
    private final MessageSigner configSigner;
    private final DownlinkPublisher downlink;
    private final Clock clock;
    private final Supplier<String> ids;

    /**
     * @param configSigner signs configurations with the receiver's key ({@code receiver:N})
     * @param downlink     publishes them retained on the device's config topic
     * @param ids          new consent ids (e.g. random UUIDs)
     */
    public CareService(Database database, AuditLog audit, AlertEngine engine, MessageSigner configSigner, DownlinkPublisher downlink,
                       Clock clock, Supplier<String> ids) {
        this.database = Objects.requireNonNull(database, "database");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.configSigner = Objects.requireNonNull(configSigner, "configSigner");
        this.downlink = Objects.requireNonNull(downlink, "downlink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** A timeline: the events the viewer may see, and how many of the period's events were withheld from them. */
    public record Timeline(String clientId, List<TimelineItem> items, int withheld) {
        public Timeline {
            items = List.copyOf(items);
        }
    }

    // ------------------------------------------------------------------ timeline

    /**
     * The client's events whose time lies in {@code [from, to)} that {@code actor} may see. Each item is
     * checked on its own (a child-protection worker sees only what consent covers) and each shown result,
     * missed test, support request or tamper signal is audited.
     */
    public Timeline timeline(Actor actor, String clientId, Instant from, Instant to) {
        Instant now = clock.instant();
        return run(actor, "opening the timeline of " + clientId, c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            Decision open = decide(actor, Operation.VIEW_TIMELINE, context, null, now);
            if (!open.allowed()) {
                return denied(c, actor, Operation.VIEW_TIMELINE, "client", clientId, open, now);
            }
            List<TimelineItem> shown = new ArrayList<>();
            int withheld = 0;
            for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
                Instant start = later(from, a.from());
                Instant end = a.until() == null ? to : earlier(to, a.until());
                if (!start.isBefore(end)) {
                    continue;
                }
                for (StoredEvent s : EvidenceReader.attributedTo(c, a.deviceId(), start, end)) {
                    EventTime time = EventTime.of(s.event().clock(), s.receivedAt());
                    ItemKind kind = ItemKind.of(s.event());
                    Decision d = decide(actor, kind.operation, context, kind.operation.kind() == Operation.Kind.EVENT ? time : null, now);
                    if (!d.allowed()) {
                        withheld++;
                        continue;
                    }
                    String ref = s.event().deviceId() + "#" + s.event().seq();
                    audit.append(c, new AuditRecord(now, actor.userId(), kind.action, kind.subjectType, ref, detail(d)));
                    shown.add(new TimelineItem(s.event(), s.compact(), s.receivedAt(), time,
                            ExcuseStore.find(c, s.event().deviceId(), s.event().seq()).orElse(null)));
                }
            }
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.TIMELINE_VIEWED, "client", clientId,
                    detail(open) + "; " + from + " to " + to + "; shown " + shown.size() + ", withheld " + withheld));
            return Result.of(new Timeline(clientId, shown, withheld));
        });
    }

    /** How each kind of event is checked and audited. */
    private enum ItemKind {
        RESULT(Operation.VIEW_RESULT, "result.viewed", "reading"),
        MISSED(Operation.VIEW_MISSED_TESTS, "missed_test.viewed", "missed_test"),
        SUPPORT(Operation.VIEW_SUPPORT_REQUESTS, "support_request.viewed", "support_request"),
        // A tamper signal is neither a result nor a missed test, so no consent scope covers it: like a
        // support request, it is for the substance-abuse service and the parent only.
        TAMPER(Operation.VIEW_SUPPORT_REQUESTS, "tamper.viewed", "tamper");

        final Operation operation;
        final String action;
        final String subjectType;

        ItemKind(Operation operation, String action, String subjectType) {
            this.operation = operation;
            this.action = action;
            this.subjectType = subjectType;
        }

        static ItemKind of(EvidenceEvent event) {
            if (event instanceof Reading) {
                return RESULT;
            }
            if (event instanceof MissedTest) {
                return MISSED;
            }
            if (event instanceof SupportRequest) {
                return SUPPORT;
            }
            return TAMPER;
        }
    }

    // ------------------------------------------------------------------ consent

    /** The consents {@code actor} may see: all of the client's, or (child protection) those naming their unit. Audited. */
    public List<ConsentVersion> consentHistory(Actor actor, String clientId) {
        Instant now = clock.instant();
        return run(actor, "reading the consents of " + clientId, c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = decide(actor, Operation.VIEW_CONSENTS, context, null, now);
            if (!d.allowed()) {
                return denied(c, actor, Operation.VIEW_CONSENTS, "client", clientId, d, now);
            }
            List<ConsentVersion> visible = new ArrayList<>();
            for (ConsentVersion v : context.consents().versions()) {
                if (actor.role() != Role.CHILD_PROTECTION_WORKER || v.childProtectionUnitId().equals(actor.organisationId())) {
                    visible.add(v);
                }
            }
            audit.append(c, new AuditRecord(now, actor.userId(), "consents.viewed", "client", clientId,
                    detail(d) + "; " + visible.size() + " versions"));
            return Result.of(List.copyOf(visible));
        });
    }

    /** Records a new consent (version 1) of the client to share with {@code unitId}. */
    public ConsentVersion recordConsent(Actor actor, String clientId, String unitId, Instant validFrom, Instant validUntil,
                                        Set<Scope> scopes) {
        Instant now = clock.instant();
        return run(actor, "recording a consent of " + clientId, c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = decide(actor, Operation.RECORD_CONSENT, context, null, now);
            if (!d.allowed()) {
                return denied(c, actor, Operation.RECORD_CONSENT, "client", clientId, d, now);
            }
            ConsentVersion v = ConsentVersion.first(ids.get(), clientId, unitId, validFrom, validUntil, scopes, actor.userId(), now);
            ConsentStore.append(c, v);
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.CONSENT_RECORDED, "consent", v.consentId() + "#v1",
                    detail(d) + "; client " + clientId + ", unit " + unitId + ", " + validFrom + " to " + validUntil + ", " + scopes));
            return Result.of(v);
        });
    }

    /** Records an amendment: the next version of {@code consentId} with a new period and scopes. */
    public ConsentVersion amendConsent(Actor actor, String consentId, Instant validFrom, Instant validUntil, Set<Scope> scopes) {
        Instant now = clock.instant();
        return run(actor, "amending consent " + consentId, c -> {
            CaseContext context = CaseContexts.load(c, clientOfConsent(c, consentId));
            Decision d = decide(actor, Operation.RECORD_CONSENT, context, null, now);
            if (!d.allowed()) {
                return denied(c, actor, Operation.RECORD_CONSENT, "consent", consentId, d, now);
            }
            ConsentVersion v = context.consents().latest(consentId).orElseThrow().amend(validFrom, validUntil, scopes, actor.userId(), now);
            ConsentStore.append(c, v);
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.CONSENT_RECORDED, "consent",
                    consentId + "#v" + v.version(), detail(d) + "; amended to " + validFrom + " to " + validUntil + ", " + scopes));
            return Result.of(v);
        });
    }

    /**
     * Records the parent's revocation of {@code consentId}; it applies from now.
     *
     * @param revokedAt when the parent revoked (e.g. said so on the phone), at or before now
     */
    public ConsentVersion revokeConsent(Actor actor, String consentId, Instant revokedAt) {
        Instant now = clock.instant();
        return run(actor, "revoking consent " + consentId, c -> {
            CaseContext context = CaseContexts.load(c, clientOfConsent(c, consentId));
            Decision d = decide(actor, Operation.REVOKE_CONSENT, context, null, now);
            ConsentVersion latest = context.consents().latest(consentId).orElseThrow();
            if (d.allowed() && actor.role() == Role.CHILD_PROTECTION_WORKER
                    && !latest.childProtectionUnitId().equals(actor.organisationId())) {
                d = Decision.of(org.breathgate.care.access.ReasonCode.DENIED_NO_CONSENT); // another unit's consent
            }
            if (!d.allowed()) {
                return denied(c, actor, Operation.REVOKE_CONSENT, "consent", consentId, d, now);
            }
            ConsentVersion v = latest.revoke(actor.userId(), revokedAt, now);
            ConsentStore.append(c, v);
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.CONSENT_REVOKED, "consent", consentId + "#v" + v.version(),
                    detail(d) + "; parent revoked at " + revokedAt));
            return Result.of(v);
        });
    }

    // ------------------------------------------------------------------ alerts

    /**
     * The actor's inbox: the unresolved alerts addressed to their organisation that consent still lets
     * them receive ({@link AlertEngine#mayReceive}), newest first. Technicians, administrators and
     * parents have none. Each alert shown is audited ({@code alert.viewed}): its summary holds results.
     */
    public List<Alert> alertsFor(Actor actor) {
        Instant now = clock.instant();
        if (actor.role() != Role.SUBSTANCE_ABUSE_WORKER && actor.role() != Role.CHILD_PROTECTION_WORKER) {
            return List.of();
        }
        return run(actor, "reading the alerts of " + actor.userId(), c -> {
            List<Alert> shown = new ArrayList<>();
            for (Alert alert : AlertStore.unresolved(c)) {
                if (!alert.audience().includes(actor)) {
                    continue;
                }
                Decision d = AlertEngine.mayReceive(alert, actor, CaseContexts.load(c, alert.clientId()), now);
                if (d.allowed()) {
                    audit.append(c, new AuditRecord(now, actor.userId(), "alert.viewed", "alert", alert.key(), detail(d)));
                    shown.add(alert);
                }
            }
            return Result.of(List.copyOf(shown));
        });
    }

    /**
     * Acknowledges an open alert with a note; audited, refusals too.
     *
     * @throws AccessDeniedException if the alert is not for the actor, or consent no longer covers it
     * @throws IllegalStateException if the alert is not open
     */
    public Alert acknowledge(Actor actor, String alertKey, String note) {
        Instant now = clock.instant();
        return run(actor, "acknowledging alert " + alertKey, c -> {
            Alert alert = AlertStore.find(c, alertKey).orElseThrow(() -> new IllegalArgumentException("no alert " + alertKey));
            CaseContext context = CaseContexts.load(c, alert.clientId());
            Decision d = AccessPolicy.decide(actor, Operation.ACK_ALERT, context.client(), context.consents(), alert.eventTime(), now);
            AlertCommand.Acknowledged ack;
            try {
                ack = engine.acknowledge(alert, actor, note, context, now);
            } catch (AccessDeniedException e) {
                return denied(c, actor, Operation.ACK_ALERT, "alert", alertKey, e.decision(), now);
            }
            AlertStore.apply(c, List.of(ack), now);
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.ALERT_ACKNOWLEDGED, "alert", alertKey,
                    detail(d) + "; note: " + note));
            return Result.of(ack.alert());
        });
    }

    /**
     * Excuses a missed or late test with a note. The event stays as the device signed it; the excuse is
     * stored beside it, audited, and fed to the alert engine (a missed-test alert is resolved).
     */
    public Excuse excuse(Actor actor, String deviceId, long seq, String note) {
        Instant now = clock.instant();
        return run(actor, "excusing " + deviceId + "#" + seq, c -> {
            StoredEvent stored = EvidenceReader.event(c, DeviceIds.check(deviceId), seq)
                    .orElseThrow(() -> new IllegalArgumentException("no stored event " + deviceId + "#" + seq));
            String clientId = DeviceAssignments.clientAt(c, deviceId, stored.attributionTime())
                    .orElseThrow(() -> new IllegalArgumentException(deviceId + "#" + seq + " belongs to no client"));
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = decide(actor, Operation.EXCUSE_MISSED_TEST, context, null, now);
            if (!d.allowed()) {
                return denied(c, actor, Operation.EXCUSE_MISSED_TEST, "event", deviceId + "#" + seq, d, now);
            }
            Excuse excuse = new Excuse(deviceId, seq, actor.userId(), note, now);
            List<AlertCommand> commands = engine.onExcuse(excuse, stored.event(), context, AlertStore.lookup(c), now);
            ExcuseStore.insert(c, excuse, clientId);
            AlertStore.apply(c, commands, now);
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.MISSED_TEST_EXCUSED, "event", deviceId + "#" + seq,
                    detail(d) + "; note: " + note));
            return Result.of(excuse);
        });
    }

    // ------------------------------------------------------------------ schedule

    /**
     * Sets the client's test schedule: a {@link ConfigUpdate} for the device lent to them now, with the
     * client's alert threshold as the device's retest threshold, signed with the receiver's key, stored,
     * audited, and published retained on the device's config topic once committed.
     *
     * @throws IllegalStateException if no device is lent to the client now
     */
    public SignedMessage setSchedule(Actor actor, String clientId, Schedule schedule) {
        Instant now = clock.instant();
        SignedMessage signed = run(actor, "setting the schedule of " + clientId, c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = decide(actor, Operation.SET_SCHEDULE, context, null, now);
            if (!d.allowed()) {
                return denied(c, actor, Operation.SET_SCHEDULE, "client", clientId, d, now);
            }
            Assignment device = DeviceAssignments.ofClient(c, clientId).stream().filter(Assignment::active).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no device is lent to client " + clientId + "; assign one first"));
            long version = nextConfigVersion(c, device.deviceId());
            ConfigUpdate update = new ConfigUpdate(device.deviceId(), version, now, schedule, context.client().alertThreshold(),
                    DEFAULT_LANGUAGE, DEFAULT_STATUS_INTERVAL_SECONDS);
            SignedMessage message = configSigner.sign(update);
            try (PreparedStatement s = c.prepareStatement("insert into care_device_configs (device_id, version, client_id, issued_at_ms, "
                    + "issued_by, compact) values (?, ?, ?, ?, ?, ?)")) {
                s.setString(1, device.deviceId());
                s.setLong(2, version);
                s.setString(3, clientId);
                s.setLong(4, now.toEpochMilli());
                s.setString(5, actor.userId());
                s.setString(6, message.compact());
                s.executeUpdate();
            }
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.SCHEDULE_SET, "client", clientId,
                    detail(d) + "; device " + device.deviceId() + " config v" + version + ", " + schedule.slots().size() + " slots"));
            return Result.of(message);
        });
        ConfigUpdate update = (ConfigUpdate) signed.message();
        downlink.publishRetained(Topics.downlink(update.deviceId(), MessageType.CONFIG), signed.bytes());
        return signed;
    }

    private static long nextConfigVersion(Connection c, String deviceId) throws SQLException {
        long highest = 0;
        for (String sql : new String[] {"select max(version) from care_device_configs where device_id = ?",
                "select config_version from device_status where device_id = ?"}) {
            try (PreparedStatement q = c.prepareStatement(sql)) {
                q.setString(1, deviceId);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        highest = Math.max(highest, rs.getLong(1));
                    }
                }
            }
        }
        return highest + 1;
    }

    // ------------------------------------------------------------------ export

    /**
     * Everything held about the client, as JSON (the parent's right of access): the client record, device
     * assignments, consent history, every evidence event with its exact signed bytes, excuses and alerts.
     * Audited ({@code client_data.exported}).
     */
    public String exportClientData(Actor actor, String clientId) {
        Instant now = clock.instant();
        return run(actor, "exporting the data of " + clientId, c -> {
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = decide(actor, Operation.EXPORT_ALL_DATA_OF_CLIENT, context, null, now);
            if (!d.allowed()) {
                return denied(c, actor, Operation.EXPORT_ALL_DATA_OF_CLIENT, "client", clientId, d, now);
            }
            ObjectNode root = JSON.createObjectNode();
            root.put("format", "breathgate-client-export-v1");
            root.put("exportedAt", now.toString());
            root.put("exportedBy", actor.userId());
            Client client = context.client();
            ObjectNode cn = root.putObject("client");
            cn.put("id", client.id());
            cn.put("displayName", client.displayName());
            cn.put("organisationId", client.substanceAbuseOrganisationId());
            cn.put("caseStatus", client.caseStatus().name());
            cn.put("closedAt", client.closedAt() == null ? null : client.closedAt().toString());
            cn.put("alertThresholdUgL", client.alertThreshold().microgramsPerLitre());
            cn.put("perMilleFactor", client.perMilleFactor().name());
            ArrayNode devices = root.putArray("devices");
            ArrayNode events = root.putArray("events");
            int eventCount = 0;
            for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
                ObjectNode dn = devices.addObject();
                dn.put("deviceId", a.deviceId());
                dn.put("from", a.from().toString());
                dn.put("until", a.until() == null ? null : a.until().toString());
                Instant until = a.until() == null ? Instant.ofEpochMilli(Long.MAX_VALUE) : a.until();
                for (StoredEvent s : EvidenceReader.attributedTo(c, a.deviceId(), a.from(), until)) {
                    ObjectNode en = events.addObject();
                    en.put("deviceId", s.event().deviceId());
                    en.put("seq", s.event().seq());
                    en.put("type", s.event().type().wireName());
                    en.put("receivedAt", s.receivedAt().toString());
                    en.put("signed", s.compact());
                    Optional<Excuse> excuse = ExcuseStore.find(c, s.event().deviceId(), s.event().seq());
                    if (excuse.isPresent()) {
                        ObjectNode xn = en.putObject("excuse");
                        xn.put("by", excuse.get().by());
                        xn.put("note", excuse.get().note());
                        xn.put("at", excuse.get().at().toString());
                    }
                    eventCount++;
                }
            }
            ArrayNode consents = root.putArray("consents");
            for (ConsentVersion v : context.consents().versions()) {
                ObjectNode vn = consents.addObject();
                vn.put("consentId", v.consentId());
                vn.put("version", v.version());
                vn.put("unitId", v.childProtectionUnitId());
                vn.put("validFrom", v.validFrom().toString());
                vn.put("validUntil", v.validUntil().toString());
                ArrayNode sn = vn.putArray("scopes");
                v.scopes().stream().map(Enum::name).sorted().forEach(sn::add);
                vn.put("recordedBy", v.recordedBy());
                vn.put("recordedAt", v.recordedAt().toString());
                vn.put("revokedAt", v.revokedAt() == null ? null : v.revokedAt().toString());
            }
            ArrayNode alerts = root.putArray("alerts");
            for (Alert a : AlertStore.ofClient(c, clientId)) {
                alerts.add(AlertJson.tree(a));
            }
            audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.CLIENT_DATA_EXPORTED, "client", clientId,
                    detail(d) + "; " + eventCount + " events, " + context.consents().versions().size() + " consent versions, "
                            + alerts.size() + " alerts"));
            try {
                return Result.of(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write the export of " + clientId, e);
            }
        });
    }

    // ------------------------------------------------------------------ plumbing

    /** What an operation's transaction produced: its value, or a refusal already audited. */
    private record Result<T>(T value, AccessDeniedException refusal) {
        static <T> Result<T> of(T value) {
            return new Result<>(value, null);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        Result<T> run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction; a refusal commits its audit entry, then is thrown. */
    private <T> T run(Actor actor, String what, Work<T> work) {
        Objects.requireNonNull(actor, "actor");
        Result<T> result = Sql.write(database, what, work::run);
        if (result.refusal() != null) {
            throw result.refusal();
        }
        return result.value();
    }

    private <T> Result<T> denied(Connection c, Actor actor, Operation operation, String subjectType, String subjectId,
                                 Decision decision, Instant now) throws SQLException {
        audit.append(c, AuditRecord.of(now, actor.userId(), AuditAction.ACCESS_DENIED, subjectType, subjectId,
                operation.name() + " " + decision.code().code()));
        return new Result<>(null, new AccessDeniedException(operation.name() + " of " + subjectType + " " + subjectId, decision));
    }

    private static Decision decide(Actor actor, Operation operation, CaseContext context, EventTime time, Instant now) {
        return AccessPolicy.decide(actor, operation, context.client(), context.consents(), time, now);
    }

    private static String detail(Decision d) {
        return d.code().code() + (d.consentBasis() == null ? ""
                : " (consent " + d.consentBasis().consentId() + " v" + d.consentBasis().version() + ")");
    }

    private static String clientOfConsent(Connection c, String consentId) throws SQLException {
        return ConsentStore.clientOf(c, consentId).orElseThrow(() -> new IllegalArgumentException("no consent " + consentId));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

}
