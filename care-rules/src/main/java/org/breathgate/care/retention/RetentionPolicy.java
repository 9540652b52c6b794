package org.breathgate.care.retention;

import org.breathgate.care.access.CaseStatus;
import org.breathgate.care.access.Client;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How long data is kept. There is deliberately no default: the right periods are the service's
 * decision as data controller (its record-keeping rules and its data-protection assessment), so a
 * deployment must state them.
 *
 * @param resultsAfterCaseClosed how long a client's evidence is kept after the case closes (0 days: delete at closing)
 * @param photosAfterTaken       how long a photo is kept after it was taken, open case or not
 * @param zone                   the zone in which months and days are counted
 */
public record RetentionPolicy(Period resultsAfterCaseClosed, Period photosAfterTaken, ZoneId zone) {

    public RetentionPolicy {
        Objects.requireNonNull(resultsAfterCaseClosed, "resultsAfterCaseClosed");
        Objects.requireNonNull(photosAfterTaken, "photosAfterTaken");
        Objects.requireNonNull(zone, "zone");
        if (resultsAfterCaseClosed.isNegative()) {
            throw new IllegalArgumentException("resultsAfterCaseClosed must not be negative, was " + resultsAfterCaseClosed);
        }
        if (photosAfterTaken.isNegative() || photosAfterTaken.isZero()) {
            throw new IllegalArgumentException("photosAfterTaken must be positive, was " + photosAfterTaken);
        }
    }

    /** When the client's evidence may be deleted, or empty while the case is open. */
    public Optional<Instant> resultsDeletableFrom(Client client) {
        if (client.caseStatus() != CaseStatus.CLOSED) {
            return Optional.empty();
        }
        return Optional.of(client.closedAt().atZone(zone).plus(resultsAfterCaseClosed).toInstant());
    }

    /** When a photo taken at {@code takenAt} may be deleted. */
    public Instant photoDeletableFrom(Instant takenAt) {
        return takenAt.atZone(zone).plus(photosAfterTaken).toInstant();
    }

    /**
     * Everything due for deletion at {@code now}. A photo of a client whose evidence is due is not
     * listed separately: deleting the evidence deletes it.
     */
    public List<DeletionTask> due(Collection<Client> clients, Collection<PhotoRef> photos, Instant now) {
        Objects.requireNonNull(now, "now");
        List<DeletionTask> tasks = new ArrayList<>();
        Set<String> clientsDue = new HashSet<>();
        for (Client client : clients) {
            Optional<Instant> from = resultsDeletableFrom(client);
            if (from.isPresent() && !now.isBefore(from.get())) {
                tasks.add(new DeletionTask.ClientResults(client.id(), from.get()));
                clientsDue.add(client.id());
            }
        }
        for (PhotoRef photo : photos) {
            Instant from = photoDeletableFrom(photo.takenAt());
            if (!clientsDue.contains(photo.clientId()) && !now.isBefore(from)) {
                tasks.add(new DeletionTask.Photo(photo.photoId(), photo.clientId(), from));
            }
        }
        return List.copyOf(tasks);
    }
}
