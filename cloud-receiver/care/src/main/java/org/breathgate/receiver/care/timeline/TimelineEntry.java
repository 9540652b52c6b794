package org.breathgate.receiver.care.timeline;

import org.breathgate.care.alert.Excuse;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.photo.PhotoState;
import org.breathgate.receiver.evidence.store.StoredEvent;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What one stored event on a client's timeline <em>is</em>, decided once for the pages, the API, the PDF report and the
 * chart: its kind (a test with a valid sample, a retest, a test without one, a missed test, a device signal, a request for
 * support), when it happened and how sure that time is, its value, whether it was over the device's threshold, which test a
 * retest confirms, its photo's state and whether its signature still holds.
 *
 * @param stored        the event as stored: exact signed bytes, decoded event, receipt time
 * @param time          when it happened as far as can be known (a span when the device clock was not synchronised)
 * @param excuse        a worker's excuse beside it, or {@code null}
 * @param kind          what it is
 * @param retestOf      for a retest (or a missed retest), the sequence number of the test it was asked for: the first
 *                      positive of its chain ({@code reason.chain_start}), never an earlier retest; else {@code null}
 * @param retestOfShown whether that test is on the same timeline (else a link to it would lead nowhere)
 * @param retestOfAt    when that test happened, as the timeline shows it, when it is on the same timeline; else {@code null}
 * @param photo         for a reading that makes a statement about a photo, the photo's state; else {@code null}
 * @param signature     the signature checked again against the enrolled key when the timeline was read
 */
public record TimelineEntry(StoredEvent stored, EventTime time, Excuse excuse, Kind kind, Long retestOf, boolean retestOfShown,
                            PhotoState photo, SignatureCheck.Result signature, Instant retestOfAt) {

    /** What a stored event is on a timeline; the chart draws each differently (shape as well as colour). */
    public enum Kind {
        /** A test with a valid sample (scheduled, on demand). */
        TEST,
        /** A retest with a valid sample, confirming an earlier test. */
        RETEST,
        /** A test that gave no valid sample (aborted, invalid sample). */
        NO_SAMPLE,
        /** A scheduled test or retest whose window closed with no valid sample. */
        MISSED,
        /** A tamper or fault signal. */
        TAMPER,
        /** The parent pressed "I need support". */
        SUPPORT
    }

    public TimelineEntry {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(signature, "signature");
    }

    /**
     * Classifies {@code stored}: the one place that decides what a stored event is.
     *
     * @param shownSeqs the sequence numbers of the events on the same timeline (a retest's link needs its test there)
     */
    static TimelineEntry of(StoredEvent stored, Excuse excuse, PhotoState photo, SignatureCheck.Result signature,
                                   Set<Long> shownSeqs) {
        java.util.Map<Long, Instant> shown = new java.util.HashMap<>();
        shownSeqs.forEach(seq -> shown.put(seq, stored.receivedAt()));
        return of(stored, excuse, photo, signature, shown);
    }

    /**
     * Classifies {@code stored}.
     *
     * @param shown the events on the same timeline, by sequence number, with the time each is shown at
     */
    static TimelineEntry of(StoredEvent stored, Excuse excuse, PhotoState photo, SignatureCheck.Result signature,
                            java.util.Map<Long, Instant> shown) {
        EvidenceEvent e = stored.event();
        Kind kind;
        TestReason reason = null;
        if (e instanceof Reading r) {
            reason = r.reason();
            kind = !r.outcome().validSample() ? Kind.NO_SAMPLE : r.reason() instanceof TestReason.Retest ? Kind.RETEST : Kind.TEST;
        } else if (e instanceof MissedTest m) {
            reason = m.reason();
            kind = Kind.MISSED;
        } else if (e instanceof TamperEvent) {
            kind = Kind.TAMPER;
        } else if (e instanceof SupportRequest) {
            kind = Kind.SUPPORT;
        } else {
            throw new IllegalArgumentException("unknown event " + e.getClass().getSimpleName());
        }
        // A retest answers the chain's first positive, whichever attempt it is: "confirms test 2" used to point at the
        // previous retest.
        Long of = reason instanceof TestReason.Retest retest ? retest.chainStart() : null;
        Instant ofAt = of == null ? null : shown.get(of);
        return new TimelineEntry(stored, EventTime.of(e.clock(), stored.receivedAt()), excuse, kind, of, ofAt != null, photo, signature,
                ofAt);
    }

    /** The decoded event, exactly as the device signed it. */
    public EvidenceEvent event() {
        return stored.event();
    }

    public String deviceId() {
        return stored.deviceId();
    }

    public long seq() {
        return stored.seq();
    }

    /** {@code device#seq}, as audit entries and reports name events. */
    public String ref() {
        return stored.ref();
    }

    /** The kind in lower case ({@code test}, {@code missed}, …), for message keys and CSS classes. */
    public String kindName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The stable id of this event on a page: {@code ev-home-0001-12} (the table's rows, the chart's links). */
    public String anchor() {
        return anchor(deviceId(), seq());
    }

    /** The id of the row of event {@code deviceId#seq}. */
    public static String anchor(String deviceId, long seq) {
        return "ev-" + deviceId + "-" + seq;
    }

    /** The id of the row of the test this retest confirms, or {@code null}. */
    public String retestOfAnchor() {
        return retestOf == null ? null : anchor(deviceId(), retestOf);
    }

    /** Whether it was a test with a valid sample (pass or fail): {@link Kind#TEST} or {@link Kind#RETEST}. */
    public boolean validSample() {
        return kind == Kind.TEST || kind == Kind.RETEST;
    }

    /** The time the timeline shows: exact, or (clock not synchronised) the latest it can have been, which is the receipt. */
    public Instant shownAt() {
        return time.shown();
    }

    /** Whether the device's clock was synchronised, so the time is exact. */
    public boolean clockSynced() {
        return time.isExact();
    }

    /** The earliest the event can have happened, or {@code null} when that cannot be known. */
    public Instant earliest() {
        return time.earliest().equals(EventTime.UNKNOWN_START) ? null : time.earliest();
    }

    /** The measured value, or {@code null}. */
    public BreathAlcohol value() {
        return event() instanceof Reading r ? r.breathAlcohol() : null;
    }

    /** The threshold the device compared with, or {@code null}. */
    public BreathAlcohol deviceThreshold() {
        return event() instanceof Reading r ? r.threshold() : null;
    }

    /** Whether the test showed alcohol at or over the device's threshold (its outcome is {@code FAIL}). */
    public boolean positive() {
        return event() instanceof Reading r && r.positive();
    }

    /** Whether a scheduled test was taken after its window. */
    public boolean late() {
        return event() instanceof Reading r && r.reason() instanceof TestReason.Scheduled s && s.late();
    }

    /** Whether it was (or was to be) a random test, drawn by the device. */
    public boolean random() {
        TestReason r = event() instanceof Reading x ? x.reason() : event() instanceof MissedTest m ? m.reason() : null;
        return r instanceof TestReason.Random;
    }

    /** Whether it was (or was to be) a test a worker asked for ("please test now"). */
    public boolean requested() {
        TestReason r = event() instanceof Reading x ? x.reason() : event() instanceof MissedTest m ? m.reason() : null;
        return r instanceof TestReason.Requested;
    }

    /** Whether the parent took the test on their own. */
    public boolean onDemand() {
        return event() instanceof Reading r && r.reason() instanceof TestReason.OnDemand;
    }

    /** The key of the text describing the event (in the timeline texts), e.g. {@code event.test.pass}. */
    public String labelKey() {
        EvidenceEvent e = event();
        switch (kind) {
            case TEST:
            case RETEST:
                return "event." + kindName() + "." + (positive() ? "fail" : "pass");
            case NO_SAMPLE:
                return "event.no_sample." + ((Reading) e).outcome().wireName();
            case MISSED:
                return ((MissedTest) e).reason() instanceof TestReason.Retest ? "event.missed_retest" : "event.missed";
            case TAMPER:
                return "tamper." + ((TamperEvent) e).kind().wireName();
            case SUPPORT:
                return "event.support";
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    /** For a tamper signal, the device's own short description; else {@code null}. */
    public String tamperDetail() {
        return event() instanceof TamperEvent t ? t.detail() : null;
    }

    /** For a test without a valid sample, the key of its abort reason's text, or {@code null}. */
    public String abortKey() {
        return event() instanceof Reading r && r.abortReason() != null ? "abort." + r.abortReason().wireName() : null;
    }

    /** Whether a worker may excuse it: a missed test not yet excused, or a late test. */
    public boolean excusable() {
        return excuse == null && (kind == Kind.MISSED || late());
    }
}
