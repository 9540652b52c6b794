package org.breathgate.care.alert;

import org.breathgate.care.Checks;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.DeviceIds;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An alert as it stands: what it is about, who it is for, and where it is in its life. The receiver
 * stores it by {@link #key()} and replaces it with the alert in each later command.
 *
 * @param key             stable id, from {@link AlertKeys}: one chain of retests has one key
 * @param clientId        the client
 * @param deviceId        the device
 * @param kind            which rule raised it (may change, e.g. OVER_THRESHOLD to CONFIRMED_POSITIVE)
 * @param severity        how urgent
 * @param status          open, acknowledged or resolved
 * @param summary         a calm, plain description for the worker
 * @param audience        who it is for
 * @param evidence        the events it rests on, by sequence number (empty for DEVICE_SILENT)
 * @param eventTime       the span of time its events cover; what consent must cover
 * @param raisedAt        when it was raised
 * @param updatedAt       when it last changed
 * @param escalateAt      when it escalates if still open, or {@code null} if it does not
 * @param escalatedAt     when it escalated, or {@code null}
 * @param acknowledgement the latest acknowledgement, or {@code null}
 * @param resolution      why it was resolved, or {@code null}
 */
public record Alert(
        String key,
        String clientId,
        String deviceId,
        AlertKind kind,
        Severity severity,
        AlertStatus status,
        String summary,
        Audience audience,
        List<AlertEvidence> evidence,
        EventTime eventTime,
        Instant raisedAt,
        Instant updatedAt,
        Instant escalateAt,
        Instant escalatedAt,
        Acknowledgement acknowledgement,
        String resolution) {

    public Alert {
        Checks.id("key", key);
        Checks.id("clientId", clientId);
        DeviceIds.check(deviceId);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(status, "status");
        Checks.text("summary", summary, 4000);
        Objects.requireNonNull(audience, "audience");
        List<AlertEvidence> sorted = new ArrayList<>(evidence);
        sorted.sort(Comparator.comparingLong(AlertEvidence::seq));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).seq() == sorted.get(i - 1).seq()) {
                throw new IllegalArgumentException("evidence seq " + sorted.get(i).seq() + " appears twice");
            }
        }
        evidence = List.copyOf(sorted);
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(raisedAt, "raisedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (updatedAt.isBefore(raisedAt)) {
            throw new IllegalArgumentException("updatedAt must not be before raisedAt");
        }
        if (status == AlertStatus.ACKNOWLEDGED && acknowledgement == null) {
            throw new IllegalArgumentException("an ACKNOWLEDGED alert needs its acknowledgement");
        }
        if ((status == AlertStatus.RESOLVED) != (resolution != null)) {
            throw new IllegalArgumentException("a resolution is given exactly when the alert is RESOLVED");
        }
        Checks.optionalText("resolution", resolution, 2000);
    }

    /** Whether the alert already rests on event {@code seq} of its device. */
    public boolean contains(long seq) {
        return evidence.stream().anyMatch(e -> e.seq() == seq);
    }

    /** Whether the alert is waiting for a worker. */
    public boolean open() {
        return status == AlertStatus.OPEN;
    }
}
