package org.breathgate.receiver.care.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.care.alert.Acknowledgement;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertEvidence;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.care.alert.Audience;
import org.breathgate.care.alert.Severity;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.Outcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@link Alert} as JSON, for the {@code alert_json} column and for exports. Instants are ISO-8601
 * text, not epoch milliseconds, because an event time of unknown start is {@link EventTime#UNKNOWN_START}.
 */
public final class AlertJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {
    }

    public static ObjectNode tree(Alert a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("key", a.key());
        n.put("clientId", a.clientId());
        n.put("deviceId", a.deviceId());
        n.put("kind", a.kind().name());
        n.put("severity", a.severity().name());
        n.put("status", a.status().name());
        n.put("summary", a.summary());
        ObjectNode audience = n.putObject("audience");
        audience.put("substanceAbuseOrganisationId", a.audience().substanceAbuseOrganisationId());
        ArrayNode units = audience.putArray("childProtectionUnitIds");
        new TreeSet<>(a.audience().childProtectionUnitIds()).forEach(units::add);
        if (a.audience().technicians()) {
            audience.put("technicians", true); // absent in alerts stored before issue 16: false
        }
        ArrayNode evidence = n.putArray("evidence");
        for (AlertEvidence e : a.evidence()) {
            ObjectNode item = evidence.addObject();
            item.put("seq", e.seq());
            item.put("role", e.role().name());
            item.put("outcome", e.outcome() == null ? null : e.outcome().name());
            if (e.value() == null) {
                item.putNull("valueUgL");
            } else {
                item.put("valueUgL", e.value().microgramsPerLitre());
            }
            time(item.putObject("time"), e.time());
            item.put("excused", e.excused());
        }
        time(n.putObject("eventTime"), a.eventTime());
        n.put("raisedAt", a.raisedAt().toString());
        n.put("updatedAt", a.updatedAt().toString());
        n.put("escalateAt", text(a.escalateAt()));
        n.put("escalatedAt", text(a.escalatedAt()));
        if (a.acknowledgement() != null) {
            ObjectNode ack = n.putObject("acknowledgement");
            ack.put("by", a.acknowledgement().by());
            ack.put("note", a.acknowledgement().note());
            ack.put("at", a.acknowledgement().at().toString());
        } else {
            n.putNull("acknowledgement");
        }
        n.put("resolution", a.resolution());
        return n;
    }

    public static String write(Alert alert) {
        try {
            return MAPPER.writeValueAsString(tree(alert));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alert " + alert.key() + " as JSON", e);
        }
    }

    public static Alert read(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored alert is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode aud = n.get("audience");
        Set<String> units = new TreeSet<>();
        aud.get("childProtectionUnitIds").forEach(u -> units.add(u.asText()));
        List<AlertEvidence> evidence = new ArrayList<>();
        for (JsonNode e : n.get("evidence")) {
            evidence.add(new AlertEvidence(e.get("seq").asLong(), AlertEvidence.Role.valueOf(e.get("role").asText()),
                    e.get("outcome").isNull() ? null : Outcome.valueOf(e.get("outcome").asText()),
                    e.get("valueUgL").isNull() ? null : new BreathAlcohol(e.get("valueUgL").asInt()),
                    time(e.get("time")), e.get("excused").asBoolean()));
        }
        JsonNode ack = n.get("acknowledgement");
        return new Alert(n.get("key").asText(), n.get("clientId").asText(), n.get("deviceId").asText(),
                AlertKind.valueOf(n.get("kind").asText()), Severity.valueOf(n.get("severity").asText()),
                AlertStatus.valueOf(n.get("status").asText()), n.get("summary").asText(),
                new Audience(aud.get("substanceAbuseOrganisationId").asText(), units, aud.path("technicians").asBoolean(false)), evidence,
                time(n.get("eventTime")),
                Instant.parse(n.get("raisedAt").asText()), Instant.parse(n.get("updatedAt").asText()),
                instant(n.get("escalateAt")), instant(n.get("escalatedAt")),
                ack == null || ack.isNull() ? null
                        : new Acknowledgement(ack.get("by").asText(), ack.get("note").asText(), Instant.parse(ack.get("at").asText())),
                n.get("resolution").isNull() ? null : n.get("resolution").asText());
    }

    private static void time(ObjectNode node, EventTime t) {
        node.put("earliest", t.earliest().toString());
        node.put("latest", t.latest().toString());
    }

    private static EventTime time(JsonNode node) {
        return new EventTime(Instant.parse(node.get("earliest").asText()), Instant.parse(node.get("latest").asText()));
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.asText());
    }
}
