package org.breathgate.receiver.care.timeline;

import org.breathgate.care.access.Client;
import org.breathgate.care.alert.Excuse;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.KeyId;
import org.breathgate.receiver.care.photo.PhotoState;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Timelines for tests of what draws them (pages, chart, PDF): entries classified as {@link Timelines} classifies them. */
public final class TestTimelines {

    private TestTimelines() {
    }

    /** {@code event} as stored at {@code receivedAt}, its signature verified, on a timeline with {@code shownSeqs}. */
    public static TimelineEntry entry(EvidenceEvent event, String compact, Instant receivedAt, Excuse excuse, PhotoState photo,
                                      Set<Long> shownSeqs) {
        KeyId key = new KeyId(event.deviceId(), 1);
        return TimelineEntry.of(new StoredEvent(key, compact, event, receivedAt), excuse, photo,
                new SignatureCheck.Result(event.deviceId(), key.toString(), 1, SignatureCheck.Status.VERIFIED), shownSeqs);
    }

    /** {@code event} as stored at {@code receivedAt}, checked as {@code signature} says (e.g. a TPM-attested key), alone on its timeline. */
    public static TimelineEntry entry(EvidenceEvent event, String compact, Instant receivedAt, SignatureCheck.Result signature) {
        return TimelineEntry.of(new StoredEvent(new KeyId(event.deviceId(), signature.keyVersion()), compact, event, receivedAt), null, null,
                signature, Set.of(event.seq()));
    }

    /** {@code event} as stored at {@code receivedAt}, with no excuse or photo, alone on its timeline. */
    public static TimelineEntry entry(EvidenceEvent event, Instant receivedAt) {
        return entry(event, "x.y.z", receivedAt, null, null, Set.of());
    }

    /** The entries of {@code events}, each stored at the receipt time given beside it, on one timeline. */
    public static List<TimelineEntry> entries(List<EvidenceEvent> events, List<Instant> receivedAt) {
        java.util.Map<Long, Instant> shown = new java.util.HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            shown.put(events.get(i).seq(), org.breathgate.care.consent.EventTime
                    .of(events.get(i).clock(), receivedAt.get(i)).shown());
        }
        java.util.ArrayList<TimelineEntry> out = new java.util.ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            KeyId key = new KeyId(events.get(i).deviceId(), 1);
            out.add(TimelineEntry.of(new StoredEvent(key, "x.y.z", events.get(i), receivedAt.get(i)), null, null,
                    new SignatureCheck.Result(events.get(i).deviceId(), key.toString(), 1, SignatureCheck.Status.VERIFIED), shown));
        }
        return out;
    }

    /** A timeline of {@code entries} as a worker of the client's own service sees it (photo verdicts shown). */
    public static TimelineView view(Client client, Instant from, Instant to, List<TimelineEntry> entries, int withheld) {
        return new TimelineView(client, from, to, entries, withheld, true, true, true);
    }

    /** As {@link #view}, as a child-protection worker sees it: no excuses, no photo reviews, no verdicts. */
    public static TimelineView childProtectionView(Client client, Instant from, Instant to, List<TimelineEntry> entries, int withheld) {
        return new TimelineView(client, from, to, entries, withheld, false, false, false);
    }
}
