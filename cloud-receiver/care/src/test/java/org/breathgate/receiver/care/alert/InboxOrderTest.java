package org.breathgate.receiver.care.alert;

import org.breathgate.care.alert.Acknowledgement;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertKind;
import org.breathgate.care.alert.AlertStatus;
import org.breathgate.care.alert.Audience;
import org.breathgate.care.alert.Severity;
import org.breathgate.care.consent.EventTime;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InboxOrderTest {

    private static Alert alert(String key, Severity severity, String raised, boolean acknowledged) {
        Instant at = Instant.parse(raised);
        return new Alert(key, "client-a", "home-0001", AlertKind.TAMPER, severity, acknowledged ? AlertStatus.ACKNOWLEDGED : AlertStatus.OPEN,
                "summary", new Audience("sa-1", Set.of()), List.of(), EventTime.exact(at), at, at, null, null,
                acknowledged ? new Acknowledgement("worker-sa", "seen", at) : null, null);
    }

    @Test
    void the_inbox_lists_waiting_alerts_first_then_the_most_urgent_then_the_newest() {
        List<Alert> alerts = new ArrayList<>(List.of(
                alert("old-warning", Severity.WARNING, "2026-03-09T06:00:00Z", false),
                alert("acknowledged-high", Severity.HIGH, "2026-03-09T09:00:00Z", true),
                alert("new-info", Severity.INFO, "2026-03-09T10:00:00Z", false),
                alert("old-high", Severity.HIGH, "2026-03-09T05:00:00Z", false),
                alert("new-warning", Severity.WARNING, "2026-03-09T08:00:00Z", false)));
        alerts.sort(Alerts.INBOX_ORDER);
        assertEquals(List.of("old-high", "new-warning", "old-warning", "new-info", "acknowledged-high"),
                alerts.stream().map(Alert::key).toList());
    }
}
