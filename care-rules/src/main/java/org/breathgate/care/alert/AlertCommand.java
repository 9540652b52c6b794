package org.breathgate.care.alert;

import java.util.Objects;

/**
 * What the receiver should do with an alert: store {@link #alert()} under its key, and deliver it
 * where the command says. No command means nothing changed.
 */
public sealed interface AlertCommand permits AlertCommand.Raise, AlertCommand.Update, AlertCommand.Escalate,
        AlertCommand.Acknowledged {

    /** The alert as it now stands. */
    Alert alert();

    /** A new alert: store it and deliver it to its audience. */
    record Raise(Alert alert) implements AlertCommand {
        public Raise {
            Objects.requireNonNull(alert, "alert");
        }
    }

    /**
     * A changed alert: store it (replacing the one with the same key).
     *
     * @param change what changed, in a few words, for the alert's history
     * @param deliverAgain whether to deliver it again: it became more severe, re-opened, or reached a new
     *               unit; otherwise the inbox shows the change without a new message
     */
    record Update(Alert alert, String change, boolean deliverAgain) implements AlertCommand {
        public Update {
            Objects.requireNonNull(alert, "alert");
            Objects.requireNonNull(change, "change");
        }
    }

    /** Nobody acknowledged the alert in time: store it and tell the audience's escalation contacts. */
    record Escalate(Alert alert) implements AlertCommand {
        public Escalate {
            Objects.requireNonNull(alert, "alert");
        }
    }

    /** A worker acknowledged the alert: store it (and audit the acknowledgement). */
    record Acknowledged(Alert alert) implements AlertCommand {
        public Acknowledged {
            Objects.requireNonNull(alert, "alert");
        }
    }
}
