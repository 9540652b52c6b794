package org.breathgate.receiver.care.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Decision;
import org.breathgate.care.access.Operation;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.audit.AuditAction;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.receiver.care.alert.AlertJson;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.alert.ExcuseStore;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;
import org.breathgate.receiver.care.people.Assignment;
import org.breathgate.receiver.care.people.DeviceAssignments;
import org.breathgate.receiver.care.timeline.SignatureCheck;
import org.breathgate.receiver.evidence.device.DeviceKey;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.store.EvidenceReader;
import org.breathgate.receiver.evidence.store.StoredEvent;

import org.breathgate.receiver.evidence.photo.PhotoStore;
import org.breathgate.receiver.evidence.photo.StoredPhoto;

import java.sql.Connection;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/** The parent's right of access: everything held about a client, as one JSON document, through the {@link CareGate}. */
public final class ClientExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored key or attestation record is not JSON: " + e.getMessage(), e);
        }
    }

    private final CareGate gate;
    private final boolean showWorkerNames;
    private final PhotoStore photos;

    /**
     * @param showWorkerNames whether the access log names the workers who looked, as the parent's page does
     * @param photos          where the test photos' bytes are kept
     */
    public ClientExport(CareGate gate, boolean showWorkerNames, PhotoStore photos) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.showWorkerNames = showWorkerNames;
        this.photos = Objects.requireNonNull(photos, "photos");
    }

    /**
     * Everything held about the client, as JSON (the parent's right of access): the client record, device
     * assignments with each device's public keys, consent history, every evidence event with its exact signed bytes, excuses,
     * the parent's explanations and each reading's test photo (the JPEG, checked against its signed hash, with its review),
     * the reference photo, planned absences and alerts, and in the parent's own export who else looked at their results
     * ({@code accessLog}, as the parent's page shows it). Audited ({@code client_data.exported}).
     */
    /**
     * Puts the reading's stored photo, if any, into its event ({@code photo}); returns 1 if it did. A photo whose bytes no
     * longer match its signed hash is named with {@code jpegBase64 = null} and {@code unreadable = true}, never left out.
     */
    private int addPhoto(Connection c, ObjectNode event, String deviceId, long seq) throws java.sql.SQLException {
        Optional<StoredPhoto> stored = photos.find(c, deviceId, seq);
        if (stored.isEmpty()) {
            return 0;
        }
        StoredPhoto p = stored.get();
        ObjectNode pn = event.putObject("photo");
        pn.put("sha256", p.sha256());
        pn.put("size", p.size());
        pn.put("mediaType", p.mediaType());
        pn.put("takenAt", p.takenAt() == null ? null : p.takenAt().toString());
        pn.put("storedAt", p.storedAt().toString());
        Optional<byte[]> bytes;
        try {
            bytes = photos.bytes(c, deviceId, seq);
        } catch (org.breathgate.receiver.evidence.db.StoreException e) { // changed or missing on disk: named, not left out
            bytes = Optional.empty();
        }
        pn.put("jpegBase64", bytes.map(b -> Base64.getEncoder().encodeToString(b)).orElse(null));
        pn.put("unreadable", bytes.isEmpty());
        Optional<org.breathgate.receiver.care.photo.PhotoService.Review> review =
                org.breathgate.receiver.care.photo.PhotoService.review(c, deviceId, seq);
        if (review.isPresent()) {
            ObjectNode rn = pn.putObject("review");
            rn.put("verdict", review.get().verdict().name().toLowerCase(java.util.Locale.ROOT));
            rn.put("note", review.get().note());
            rn.put("by", review.get().reviewer());
            rn.put("at", review.get().at().toString());
        } else {
            pn.putNull("review");
        }
        return 1;
    }

    public String export(Actor actor, String clientId) {
        return gate.run(actor, "exporting the data of " + clientId, visit -> {
            Connection c = visit.connection();
            Instant now = visit.now();
            CaseContext context = CaseContexts.load(c, clientId);
            Decision d = visit.require(Operation.EXPORT_ALL_DATA_OF_CLIENT, context, "client", clientId);
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
            int photoCount = 0;
            for (Assignment a : DeviceAssignments.ofClient(c, clientId)) {
                ObjectNode dn = devices.addObject();
                dn.put("deviceId", a.deviceId());
                dn.put("from", a.from().toString());
                dn.put("until", a.until() == null ? null : a.until().toString());
                // the device's public keys, each with where it lives and (if attested) its attestation record: what a
                // verifier needs to check the events below offline (breathgate-verify --key ... --attestation ...)
                ArrayNode keys = dn.putArray("keys");
                for (DeviceKey k : DeviceRegistry.keys(c, a.deviceId())) {
                    ObjectNode kn = keys.addObject();
                    kn.put("kid", k.keyId().toString());
                    kn.put("algorithm", k.type().jwsAlgorithm());
                    kn.put("keyHome", SignatureCheck.homeOf(k).name().toLowerCase(java.util.Locale.ROOT));
                    kn.set("publicJwk", readTree(k.key().toJwk()));
                    kn.put("addedAt", k.addedAt().toString());
                    kn.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
                    if (k.attestation() == null) {
                        kn.putNull("attestation");
                    } else {
                        kn.set("attestation", readTree(k.attestation().record()));
                    }
                }
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
                    // The parent's own explanations beside it (never part of the signed event), oldest first.
                    ArrayNode said = en.putArray("explanations");
                    for (org.breathgate.care.word.Explanation x : org.breathgate.receiver.care.word.WordStore.explanations(c,
                            s.event().deviceId(), s.event().seq())) {
                        ObjectNode xn = said.addObject();
                        xn.put("n", x.n());
                        xn.put("choice", x.choice().wireName());
                        xn.put("text", x.text());
                        xn.put("by", x.by());
                        xn.put("at", x.at().toString());
                    }
                    if (s.event().type() == org.breathgate.protocol.MessageType.READING) {
                        photoCount += addPhoto(c, en, s.event().deviceId(), s.event().seq());
                    }
                    eventCount++;
                }
            }
            Optional<byte[]> reference = org.breathgate.receiver.care.photo.PhotoService.reference(c, clientId);
            if (reference.isPresent()) {
                ObjectNode rn = root.putObject("referencePhoto");
                rn.put("mediaType", "image/jpeg");
                rn.put("jpegBase64", Base64.getEncoder().encodeToString(reference.get()));
            } else {
                root.putNull("referencePhoto");
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
            ArrayNode absences = root.putArray("plannedAbsences");
            for (org.breathgate.care.word.PlannedAbsence x : org.breathgate.receiver.care.word.WordStore.absencesOf(c, clientId)) {
                ObjectNode an = absences.addObject();
                an.put("id", x.id());
                an.put("from", x.from().toString());
                an.put("to", x.to().toString());
                an.put("kind", x.kind().wireName());
                an.put("text", x.text());
                an.put("announcedBy", x.announcedBy());
                an.put("announcedAt", x.announcedAt().toString());
                an.put("status", x.status().wireName());
                an.put("decidedBy", x.decidedBy());
                an.put("decidedAt", x.decidedAt() == null ? null : x.decidedAt().toString());
                an.put("decisionNote", x.decisionNote());
            }
            ArrayNode alerts = root.putArray("alerts");
            for (Alert a : AlertStore.ofClient(c, clientId)) {
                alerts.add(AlertJson.tree(a));
            }
            // Who else looked at the client's results: the parent's page's "who looked", in the parent's own export.
            int looks = -1;
            if (actor.role() == org.breathgate.care.access.Role.PARENT
                    && visit.check(Operation.VIEW_ACCESS_LOG_OF_CLIENT, context, null).allowed()) {
                ArrayNode log = root.putArray("accessLog");
                for (org.breathgate.receiver.care.history.WhoLooked.Look l
                        : org.breathgate.receiver.care.history.WhoLooked.read(c, clientId, actor.userId(), showWorkerNames)) {
                    ObjectNode ln = log.addObject();
                    ln.put("at", l.at().toString());
                    ln.put("what", l.what().name().toLowerCase(java.util.Locale.ROOT));
                    ln.put("role", l.role() == null ? null : l.role().name().toLowerCase(java.util.Locale.ROOT));
                    ln.put("organisationId", l.organisationId());
                    ln.put("workerName", l.workerName());
                    ln.put("why", l.why().name().toLowerCase(java.util.Locale.ROOT));
                    ln.put("consentId", l.consentId());
                }
                looks = log.size();
            }
            visit.record(AuditAction.CLIENT_DATA_EXPORTED.code(), "client", clientId,
                    Visit.basis(d) + "; " + eventCount + " events, " + photoCount + " photos, " + context.consents().versions().size() + " consent versions, "
                            + alerts.size() + " alerts" + (looks < 0 ? "" : ", " + looks + " looks"));
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write the export of " + clientId, e);
            }
        });
    }
}
