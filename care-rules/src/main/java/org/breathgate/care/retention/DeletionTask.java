package org.breathgate.care.retention;

import org.breathgate.care.Checks;

import java.time.Instant;
import java.util.Objects;

/** Something retention says must now be deleted. Each deletion is itself audited ({@code data.deleted}). */
public sealed interface DeletionTask permits DeletionTask.ClientResults, DeletionTask.Photo {

    /** Since when the deletion has been due. */
    Instant dueSince();

    /**
     * All evidence of a client whose case closed long enough ago: readings, missed tests, tamper
     * events, support requests, photos and alerts. The client record, consents and the audit log stay:
     * they hold no results and show who was allowed to see what.
     */
    record ClientResults(String clientId, Instant dueSince) implements DeletionTask {
        public ClientResults {
            Checks.id("clientId", clientId);
            Objects.requireNonNull(dueSince, "dueSince");
        }
    }

    /** One photo older than the photo retention period. */
    record Photo(String photoId, String clientId, Instant dueSince) implements DeletionTask {
        public Photo {
            Checks.id("photoId", photoId);
            Checks.id("clientId", clientId);
            Objects.requireNonNull(dueSince, "dueSince");
        }
    }
}
