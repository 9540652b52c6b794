package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.care.access.Client;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertEvidence;
import org.breathgate.care.alert.Excuse;
import org.breathgate.care.consent.ConsentVersion;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.PerMilleFactor;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.timeline.TimelineEntry;
import org.breathgate.receiver.care.timeline.WeeklyCompliance;

import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * How the REST API writes the care workflow's records as JSON ({@code snake_case} keys, instants as
 * ISO-8601 UTC, breath alcohol as a decimal string in mg/L so no floating point touches it).
 */
final class ApiJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private ApiJson() {
    }

    /** {@code 0.250} for 250 µg/L. */
    public static String mgPerLitre(BreathAlcohol value) {
        return value.milligramsPerLitre().setScale(3, RoundingMode.UNNECESSARY).toPlainString();
    }

    /** The estimate in per mille with two decimals, e.g. {@code 0.57}. */
    public static String perMille(BreathAlcohol value, PerMilleFactor factor) {
        return value.perMille(factor).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    static ObjectNode client(Client c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", c.id());
        n.put("display_name", c.displayName());
        n.put("organisation_id", c.substanceAbuseOrganisationId());
        n.put("case_status", c.caseStatus().name());
        n.put("closed_at", text(c.closedAt()));
        n.put("threshold_mg_l", mgPerLitre(c.alertThreshold()));
        n.put("threshold_per_mille", perMille(c.alertThreshold(), c.perMilleFactor()));
        n.put("per_mille_factor", c.perMilleFactor().name());
        return n;
    }

    static ObjectNode consent(ConsentVersion v) {
        ObjectNode n = JSON.createObjectNode();
        n.put("consent_id", v.consentId());
        n.put("version", v.version());
        n.put("client_id", v.clientId());
        n.put("unit_id", v.childProtectionUnitId());
        n.put("valid_from", v.validFrom().toString());
        n.put("valid_until", v.validUntil().toString());
        ArrayNode scopes = n.putArray("scopes");
        v.scopes().stream().map(Enum::name).sorted().forEach(scopes::add);
        n.put("recorded_by", v.recordedBy());
        n.put("recorded_at", v.recordedAt().toString());
        n.put("revoked", v.revokedAt() != null);
        n.put("revoked_at", text(v.revokedAt()));
        return n;
    }

    static ArrayNode consents(List<ConsentVersion> versions) {
        ArrayNode a = JSON.createArrayNode();
        versions.forEach(v -> a.add(consent(v)));
        return a;
    }

    /** An alert as its audience sees it; other units in its audience are not named. */
    static ObjectNode alert(Alert a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("key", a.key());
        n.put("client_id", a.clientId());
        n.put("device_id", a.deviceId());
        n.put("kind", a.kind().name());
        n.put("severity", a.severity().name());
        n.put("status", a.status().name());
        n.put("summary", a.summary());
        time(n.putObject("event_time"), a.eventTime());
        n.put("raised_at", a.raisedAt().toString());
        n.put("updated_at", a.updatedAt().toString());
        n.put("escalate_at", text(a.escalateAt()));
        n.put("escalated_at", text(a.escalatedAt()));
        ArrayNode evidence = n.putArray("evidence");
        for (AlertEvidence e : a.evidence()) {
            ObjectNode item = evidence.addObject();
            item.put("ref", a.deviceId() + "#" + e.seq());
            item.put("role", e.role().name());
            item.put("outcome", e.outcome() == null ? null : e.outcome().name());
            item.put("breath_alcohol_mg_l", e.value() == null ? null : mgPerLitre(e.value()));
            item.put("excused", e.excused());
        }
        if (a.acknowledgement() == null) {
            n.putNull("acknowledgement");
        } else {
            ObjectNode ack = n.putObject("acknowledgement");
            ack.put("by", a.acknowledgement().by());
            ack.put("note", a.acknowledgement().note());
            ack.put("at", a.acknowledgement().at().toString());
        }
        n.put("resolution", a.resolution());
        return n;
    }

    static ObjectNode item(TimelineEntry item) {
        EvidenceEvent e = item.event();
        ObjectNode n = JSON.createObjectNode();
        n.put("ref", item.ref());
        n.put("device_id", e.deviceId());
        n.put("seq", e.seq());
        n.put("type", e.type().wireName());
        n.put("device_time", e.clock().wall().toString());
        n.put("clock_synced", e.clock().synced());
        n.put("received_at", item.stored().receivedAt().toString());
        time(n.putObject("time"), item.time());
        if (e instanceof Reading) {
            Reading r = (Reading) e;
            n.put("outcome", r.outcome().name());
            n.put("breath_alcohol_mg_l", r.breathAlcohol() == null ? null : mgPerLitre(r.breathAlcohol()));
            n.put("device_threshold_mg_l", mgPerLitre(r.threshold()));
            n.put("abort_reason", r.abortReason() == null ? null : r.abortReason().wireName());
            reason(n.putObject("reason"), r.reason());
            n.put("sensor", r.sensor().model() + " " + r.sensor().serialNumber());
        } else if (e instanceof MissedTest) {
            MissedTest m = (MissedTest) e;
            reason(n.putObject("reason"), m.reason());
            n.put("window_opened", m.windowOpened().toString());
            n.put("window_closed", m.windowClosed().toString());
            n.put("aborted_attempts", m.abortedAttempts());
        } else if (e instanceof TamperEvent) {
            TamperEvent t = (TamperEvent) e;
            n.put("tamper_kind", t.kind().wireName());
            n.put("detail", t.detail());
        } else if (e instanceof SupportRequest) {
            n.put("support_request", true);
        }
        Excuse x = item.excuse();
        if (x == null) {
            n.putNull("excuse");
        } else {
            ObjectNode xn = n.putObject("excuse");
            xn.put("by", x.by());
            xn.put("note", x.note());
            xn.put("at", x.at().toString());
        }
        ObjectNode v = n.putObject("verification");
        v.put("key_id", item.stored().keyId().toString());
        v.put("signature_verified", true);
        v.put("verified_at", item.stored().receivedAt().toString());
        v.put("clock_synchronised", e.clock().synced());
        // where the signing key lives, from the one check the page and the PDF show too
        v.put("algorithm", item.signature().algorithm());
        v.put("key_home", item.signature().home());
        v.put("tpm", item.signature().tpm());
        return n;
    }

    static ArrayNode weeks(List<WeeklyCompliance.Week> weeks) {
        ArrayNode a = JSON.createArrayNode();
        for (WeeklyCompliance.Week w : weeks) {
            ObjectNode n = a.addObject();
            n.put("week", w.label());
            n.put("monday", w.monday().toString());
            n.put("scheduled", w.scheduled());
            n.put("taken", w.taken());
            n.put("late", w.late());
            n.put("missed", w.missed());
            n.put("excused", w.excused());
            n.put("positives", w.positives());
        }
        return a;
    }

    private static void reason(ObjectNode n, TestReason reason) {
        if (reason instanceof TestReason.Scheduled) {
            TestReason.Scheduled s = (TestReason.Scheduled) reason;
            n.put("kind", "scheduled");
            n.put("slot", s.slot().toString());
            n.put("late", s.late());
        } else if (reason instanceof TestReason.Retest) {
            TestReason.Retest r = (TestReason.Retest) reason;
            n.put("kind", "retest");
            n.put("of", r.of());
            n.put("chain_start", r.chainStart());
            n.put("attempt", r.attempt());
        } else if (reason instanceof TestReason.Random r) {
            n.put("kind", "random");
            n.put("slot", r.slot().toString());
        } else if (reason instanceof TestReason.Requested q) {
            n.put("kind", "requested");
            n.put("request", q.request());
        } else {
            n.put("kind", "on_demand");
        }
    }

    static void time(ObjectNode n, EventTime t) {
        n.put("earliest", t.earliest().equals(EventTime.UNKNOWN_START) ? null : t.earliest().toString());
        n.put("latest", t.latest().toString());
        n.put("exact", t.isExact());
    }

    static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
