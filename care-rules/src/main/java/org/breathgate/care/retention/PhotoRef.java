package org.breathgate.care.retention;

import org.breathgate.care.Checks;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored photo, as retention needs to see it.
 *
 * @param photoId  the photo's id
 * @param clientId whose test it shows
 * @param takenAt  when it was taken
 */
public record PhotoRef(String photoId, String clientId, Instant takenAt) {

    public PhotoRef {
        Checks.id("photoId", photoId);
        Checks.id("clientId", clientId);
        Objects.requireNonNull(takenAt, "takenAt");
    }
}
