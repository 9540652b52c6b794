package org.breathgate.receiver.care.delivery;

import org.breathgate.receiver.care.gate.CareGate;
import java.sql.Connection;

import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.Database;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The dead-letter list and its replay, for the {@code deliveries} command. A replayed row goes back to
 * {@code pending}, due at once, with its attempts counted afresh; the running receiver's worker picks it up within
 * its poll interval (or at once, in the same process, after {@link DeliveryWorker#wake()}). Consent is checked again
 * when it is attempted, as for any delivery. Each replay is audited.
 */
public final class DeliveryAdmin {

    private final Database database;
    private final CareGate gate;

    public DeliveryAdmin(Database database, CareGate gate) {
        this.database = Objects.requireNonNull(database, "database");
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** E-mail and webhook rows, newest first: only those in {@code state} unless it is {@code null}. */
    public List<Delivery> list(String state, int limit) {
        return Sql.read(database, "listing deliveries", c -> DeliveryStore.list(c, state, limit));
    }

    /**
     * Replays dead row {@code id} on behalf of {@code actor}.
     *
     * @throws IllegalArgumentException if there is no such row
     * @throws IllegalStateException if it is not dead (pending, delivered and withheld rows are not replayed)
     */
    public Delivery replay(long id, String actor) {
        return gate.runAsReceiver(actor, "replaying delivery " + id, visit -> {
            Connection c = visit.connection();
            Delivery d = DeliveryStore.find(c, id).orElseThrow(() -> new IllegalArgumentException("no delivery " + id));
            if (!d.state().equals(Delivery.DEAD)) {
                throw new IllegalStateException("delivery " + id + " is " + d.state() + ", not dead: only dead deliveries are replayed");
            }
            DeliveryStore.replay(c, id, visit.now());
            visit.record(DeliveryWorker.AUDIT_REPLAYED, "alert", d.alertKey(),
                    d.channel() + " to " + d.recipient() + " (" + d.reason() + "), delivery " + id + ", after " + d.attempts() + " attempt(s)");
            return DeliveryStore.find(c, id).orElseThrow();
        });
    }

    /** Replays every dead row; returns them. */
    public List<Delivery> replayAllDead(String actor) {
        List<Delivery> replayed = new ArrayList<>();
        for (Delivery d : list(Delivery.DEAD, Integer.MAX_VALUE)) {
            replayed.add(replay(d.id(), actor));
        }
        return replayed;
    }
}
