package org.breathgate.care.word;

import org.breathgate.care.consent.EventTime;

import java.util.Collection;
import java.util.Optional;

/** Which planned absence, if any, marks an event: the rule in one place. */
public final class Absences {

    private Absences() {
    }

    /**
     * The accepted absence that covers an event at {@code time} ({@link PlannedAbsence#covers}); the earliest-starting if
     * several do. A pending or declined absence never does.
     */
    public static Optional<PlannedAbsence> covering(Collection<PlannedAbsence> absences, EventTime time) {
        return absences.stream().filter(a -> a.covers(time))
                .min(java.util.Comparator.comparing(PlannedAbsence::from).thenComparing(PlannedAbsence::id));
    }
}
