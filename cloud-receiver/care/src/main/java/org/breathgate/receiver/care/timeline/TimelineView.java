package org.breathgate.receiver.care.timeline;

import org.breathgate.care.access.Client;
import org.breathgate.care.word.PlannedAbsence;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One client's timeline as one viewer may see it over {@code [from, to)}: the entries the gate let them see, in time order,
 * and how many of the period's events were withheld from them. The pages, the API, the PDF report and the chart all draw
 * from it, so what an event is and how it is counted is decided once ({@link TimelineEntry}, {@link WeeklyCompliance}).
 *
 * @param client   the client, with the alert threshold and per-mille factor their figures are read against
 * @param entries  the events shown, by the time shown and then sequence number
 * @param withheld how many of the period's events the viewer may not see (a child-protection worker outside consent)
 * @param mayExcuse          whether the viewer may excuse a missed or late test of this client
 * @param mayReviewPhotos    whether the viewer reviews test photos against the client's reference photo
 * @param photoVerdictsShown whether the viewer is shown photo reviews' verdicts (the substance-abuse service's, like the
 *                           {@code PHOTO_MISMATCH} alert they raise: a child-protection worker sees whether there is a photo)
 * @param word               the parent's planned absences as this viewer may see them, and what they may do with them
 */
public record TimelineView(Client client, Instant from, Instant to, List<TimelineEntry> entries, int withheld, boolean mayExcuse,
                           boolean mayReviewPhotos, boolean photoVerdictsShown, Word word) {

    /**
     * The planned absences that overlap the period, for the viewer: the substance-abuse worker and the parent see them all
     * (pending, accepted, declined, with the parent's words); a child-protection worker sees none of them (only the mark on
     * a missed test they may see, without the parent's words).
     *
     * @param absences    the absences shown, by start
     * @param mayDecide   whether the viewer may accept or decline a pending one
     * @param mayExplain  whether the viewer may add their own explanation beside an event (the parent)
     */
    public record Word(List<PlannedAbsence> absences, boolean mayDecide, boolean mayExplain) {
        public static final Word NONE = new Word(List.of(), false, false);

        public Word {
            absences = absences.stream().sorted(java.util.Comparator.comparing(PlannedAbsence::from).thenComparing(PlannedAbsence::id))
                    .toList();
        }
    }

    /** A timeline without the parent's word (no absences to show, nothing to decide or explain). */
    public TimelineView(Client client, Instant from, Instant to, List<TimelineEntry> entries, int withheld, boolean mayExcuse,
                        boolean mayReviewPhotos, boolean photoVerdictsShown) {
        this(client, from, to, entries, withheld, mayExcuse, mayReviewPhotos, photoVerdictsShown, Word.NONE);
    }

    /** Time order: the time shown (exact, or the latest it can have been), then the sequence number. */
    public static final Comparator<TimelineEntry> ORDER = Comparator.comparing(TimelineEntry::shownAt).thenComparing(TimelineEntry::seq);

    public TimelineView {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        entries = entries.stream().sorted(ORDER).toList();
        word = word == null ? Word.NONE : word;
        if (withheld < 0) {
            throw new IllegalArgumentException("withheld must not be negative");
        }
    }

    /** The client's id. */
    public String clientId() {
        return client.id();
    }

    /** The weekly compliance figures of the entries shown, weeks counted in {@code zone}. */
    public List<WeeklyCompliance.Week> weeks(ZoneId zone) {
        return WeeklyCompliance.of(entries, zone);
    }

    /** How many entries show an uncertain time (the device clock was not synchronised). */
    public long unsyncedCount() {
        return entries.stream().filter(e -> !e.clockSynced()).count();
    }

    /** How many entries' signatures no longer hold against the device's enrolled key. */
    public long failedSignatures() {
        return entries.stream().filter(e -> !e.signature().verified()).count();
    }
}
