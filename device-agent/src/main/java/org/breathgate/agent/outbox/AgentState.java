package org.breathgate.agent.outbox;

import java.sql.SQLException;
import java.util.Optional;

/**
 * What the agent keeps beside its evidence so that a restart goes on where it stopped: the
 * schedule's state (also stored in the same transaction as the events it produced, see
 * {@link Outbox#append}) and the receiver's signed configuration in use. Get it from
 * {@link Outbox#state()}; thread-safe, under the outbox's lock.
 */
public final class AgentState {

    private final OutboxDb db;

    AgentState(OutboxDb db) {
        this.db = db;
    }

    /** Stores the schedule's state alone (when it changed without producing an event). */
    public void saveScheduleState(String scheduleState) {
        synchronized (db) {
            try {
                db.putMeta("schedule_state", scheduleState);
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("saving the schedule state in " + db.file + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** The schedule state stored last, if any. */
    public Optional<String> scheduleState() {
        synchronized (db) {
            return db.read(() -> db.meta("schedule_state"));
        }
    }

    /** Stores the signed configuration from the receiver now in use, so a restart keeps it. */
    public void saveReceiverConfig(String compact) {
        synchronized (db) {
            try {
                db.putMeta("receiver_config", compact);
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("saving the receiver configuration in " + db.file + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** The signed receiver configuration stored last (compact JWS), if any. */
    public Optional<String> receiverConfig() {
        synchronized (db) {
            return db.read(() -> db.meta("receiver_config"));
        }
    }
}
