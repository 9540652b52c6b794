package org.breathgate.receiver.care;

import org.breathgate.care.alert.Excuse;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.EvidenceEvent;

import java.time.Instant;
import java.util.Objects;

/**
 * One event on a client's timeline, as the viewer may see it.
 *
 * @param event      the event exactly as the device signed it
 * @param compact    the signed bytes (the evidence)
 * @param receivedAt when the receiver got it
 * @param time       when it happened as far as can be known (a span when the device clock was not synchronised)
 * @param excuse     a worker's excuse beside it, or {@code null}
 */
public record TimelineItem(EvidenceEvent event, String compact, Instant receivedAt, EventTime time, Excuse excuse) {

    public TimelineItem {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(compact, "compact");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(time, "time");
    }

    /** {@code device#seq}, as audit entries name events. */
    public String ref() {
        return event.deviceId() + "#" + event.seq();
    }
}
