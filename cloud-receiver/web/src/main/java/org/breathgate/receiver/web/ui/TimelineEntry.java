package org.breathgate.receiver.web.ui;

import org.breathgate.care.alert.Excuse;
import org.breathgate.care.consent.EventTime;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TestReason;
import org.breathgate.receiver.care.TimelineItem;
import org.breathgate.receiver.web.api.PhotoRoutes;
import org.breathgate.receiver.care.photo.PhotoState;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of a client's timeline as the page, the chart and the table show it: what happened, when (and
 * how sure that time is), the value, which test a retest confirms, and whether the signature holds.
 *
 * @param item      the event as the care service let the viewer see it
 * @param kind      what kind of row it is
 * @param signature the signature check made when the page was built
 * @param retestOf  for a retest (or a missed retest), the anchor of the test it confirms; {@code null} otherwise
 * @param retestOfShown whether that test is on the page (else the link would lead nowhere)
 * @param photo     for a reading that makes a statement about a photo, the photo's state; {@code null} otherwise
 */
public record TimelineEntry(TimelineItem item, Kind kind, SignatureCheck.Result signature, Long retestOf, boolean retestOfShown,
                            PhotoState photo) {

    /** What a row shows; the chart draws each differently (shape as well as colour). */
    public enum Kind {
        /** A test with a valid sample (scheduled, on demand). */
        TEST,
        /** A retest that confirms an earlier test. */
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
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(signature, "signature");
    }

    static TimelineEntry of(TimelineItem item, SignatureCheck.Result signature, java.util.Set<Long> shownSeqs) {
        EvidenceEvent e = item.event();
        Kind kind;
        Long of = null;
        TestReason reason = null;
        if (e instanceof Reading r) {
            reason = r.reason();
            boolean valid = r.outcome().validSample();
            kind = !valid ? Kind.NO_SAMPLE : r.reason() instanceof TestReason.Retest ? Kind.RETEST : Kind.TEST;
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
        if (reason instanceof TestReason.Retest retest) {
            of = retest.of();
        }
        return new TimelineEntry(item, kind, signature, of, of != null && shownSeqs.contains(of), null);
    }

    /** This row with its reading's photo state ({@code null}: none). */
    TimelineEntry withPhoto(PhotoState state) {
        return new TimelineEntry(item, kind, signature, retestOf, retestOfShown, state);
    }

    /** The URL of the reading's photo (the photo API checks and audits each look), when the receiver holds it; else {@code null}. */
    public String photoUrl() {
        return photo != null && photo.stored() ? PhotoRoutes.photoUrl(deviceId(), seq()) : null;
    }

    /** The review page's card of this reading's photo, while it waits for review; else {@code null}. */
    public String photoReviewUrl() {
        return photo != null && photo.kind() == PhotoState.Kind.WAITING
                ? PhotoReviewPage.PATH + "#photo-" + deviceId() + "-" + seq() : null;
    }

    /** The kind in lower case, for CSS classes. */
    public String kindClass() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The HTML id of this row, for links from retests and from the chart: {@code ev-home-0001-12}. */
    public String anchor() {
        return anchor(item.event().deviceId(), item.event().seq());
    }

    /** The HTML id of the row of event {@code deviceId#seq}. */
    public static String anchor(String deviceId, long seq) {
        return "ev-" + deviceId + "-" + seq;
    }

    /** The anchor of the test this retest confirms, or {@code null}. */
    public String retestOfAnchor() {
        return retestOf == null ? null : anchor(item.event().deviceId(), retestOf);
    }

    public String deviceId() {
        return item.event().deviceId();
    }

    public long seq() {
        return item.event().seq();
    }

    public EventTime time() {
        return item.time();
    }

    /** The time the page shows: exact, or (clock not synchronised) the latest it can have been, which is the receipt. */
    public Instant shownAt() {
        return item.time().shown();
    }

    /** Whether the device's clock was synchronised, so the time is exact. */
    public boolean clockSynced() {
        return item.time().isExact();
    }

    /** The earliest the event can have happened, or {@code null} when that cannot be known. */
    public Instant earliest() {
        return item.time().earliest().equals(EventTime.UNKNOWN_START) ? null : item.time().earliest();
    }

    /** The measured value, or {@code null}. */
    public BreathAlcohol value() {
        return item.event() instanceof Reading r ? r.breathAlcohol() : null;
    }

    /** The threshold the device compared with, or {@code null}. */
    public BreathAlcohol deviceThreshold() {
        return item.event() instanceof Reading r ? r.threshold() : null;
    }

    /** Whether the test showed alcohol at or above the device's threshold. */
    public boolean positive() {
        return item.event() instanceof Reading r && r.outcome() == Outcome.FAIL;
    }

    /** Whether a scheduled test was taken after its window. */
    public boolean late() {
        return item.event() instanceof Reading r && r.reason() instanceof TestReason.Scheduled s && s.late();
    }

    public boolean onDemand() {
        return item.event() instanceof Reading r && r.reason() instanceof TestReason.OnDemand;
    }

    public Excuse excuse() {
        return item.excuse();
    }

    /** The message key describing the row, e.g. {@code event.test.pass}. */
    public String labelKey() {
        EvidenceEvent e = item.event();
        switch (kind) {
            case TEST:
            case RETEST:
                return "event." + kind.name().toLowerCase(java.util.Locale.ROOT) + "." + (positive() ? "fail" : "pass");
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
        return item.event() instanceof TamperEvent t ? t.detail() : null;
    }

    /** For a test without a valid sample, the abort reason's key, or {@code null}. */
    public String abortKey() {
        return item.event() instanceof Reading r && r.abortReason() != null ? "abort." + r.abortReason().wireName() : null;
    }

    /** Whether a worker may excuse this row (a missed test not yet excused, or a late test). */
    public boolean excusable() {
        return item.excuse() == null && (kind == Kind.MISSED || late());
    }
}
