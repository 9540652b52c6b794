package org.breathgate.receiver.web.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.care.word.Explanation;
import org.breathgate.care.word.PlannedAbsence;
import org.breathgate.receiver.care.timeline.TimelineEntry;

import java.time.Instant;
import java.util.List;

/** The parent's own word as JSON: the same facts the page and the PDF print ({@code WordLines}), as fields. */
final class WordJson {

    private WordJson() {
    }

    static ObjectNode explanation(Explanation e) {
        ObjectNode n = ApiJson.JSON.createObjectNode();
        n.put("ref", e.deviceId() + "#" + e.seq());
        n.put("n", e.n());
        n.put("choice", e.choice().wireName());
        n.put("text", e.text());
        n.put("by", e.by());
        n.put("at", e.at().toString());
        return n;
    }

    static ObjectNode absence(PlannedAbsence a) {
        ObjectNode n = ApiJson.JSON.createObjectNode();
        n.put("id", a.id());
        n.put("client_id", a.clientId());
        n.put("from", a.from().toString());
        n.put("to", a.to().toString());
        n.put("kind", a.kind().wireName());
        n.put("text", a.text());
        n.put("announced_by", a.announcedBy());
        n.put("announced_at", a.announcedAt().toString());
        n.put("status", a.status().wireName());
        n.put("decided_by", a.decidedBy());
        n.put("decided_at", text(a.decidedAt()));
        n.put("decision_note", a.decisionNote());
        return n;
    }

    static ArrayNode absences(List<PlannedAbsence> absences) {
        ArrayNode a = ApiJson.JSON.createArrayNode();
        absences.forEach(x -> a.add(absence(x)));
        return a;
    }

    /** An item's share: {@code explanations} (oldest first) and {@code planned_absence} (the accepted one it lies in, or null). */
    static void onItem(ObjectNode n, TimelineEntry item) {
        ArrayNode ex = n.putArray("explanations");
        item.explanations().forEach(e -> ex.add(explanation(e)));
        if (item.absence() == null) {
            n.putNull("planned_absence");
        } else {
            ObjectNode a = n.putObject("planned_absence");
            a.put("id", item.absence().id());
            a.put("kind", item.absence().kind().wireName());
            a.put("from", item.absence().from().toString());
            a.put("to", item.absence().to().toString());
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
