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

import java.sql.Connection;
import java.time.Instant;
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

    public ClientExport(CareGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * Everything held about the client, as JSON (the parent's right of access): the client record, device
     * assignments, consent history, every evidence event with its exact signed bytes, excuses and alerts.
     * Audited ({@code client_data.exported}).
     */
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
            visit.record(AuditAction.CLIENT_DATA_EXPORTED.code(), "client", clientId,
                    Visit.basis(d) + "; " + eventCount + " events, " + context.consents().versions().size() + " consent versions, "
                            + alerts.size() + " alerts");
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("cannot write the export of " + clientId, e);
            }
        });
    }
}
