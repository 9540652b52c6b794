package org.breathgate.agent.outbox;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.Base64;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.MessageJson;
import org.breathgate.protocol.MessageType;
import org.breathgate.protocol.SupportRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: signed evidence waits here, in a SQLite file (WAL, {@code synchronous=FULL}),
 * until the receiver's signed ack says it is stored. The lifecycle of an event is
 * <em>stored</em> ({@link #append}) → <em>in flight</em> (published; tracked by the publisher, not
 * on disk, since after a restart everything unacked is simply sent again) → <em>acknowledged</em>
 * ({@link #acknowledge}: deleted) or <em>quarantined</em> ({@link #quarantine}: moved to the
 * dead-letter table and reported in status).
 *
 * <p>Sequence numbers are allocated in the same transaction that stores the signed event, so a
 * number is never used twice, whatever happens to power. Nothing is ever dropped to stay within the
 * disk budget: the budget only decides when the device warns.
 *
 * <p>The same file keeps the readings' photos ({@link #photos()}) and the agent's own state
 * ({@link #state()}); a reading, its number, its photo and the schedule's state are stored in one
 * transaction. Thread-safe: one connection, used under one lock.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final OutboxDb db;
    private final long budgetBytes;
    private final PhotoStore photos;
    private final AgentState state;
    private final SupportStore support;
    // Prepared once: an append is one commit, and preparing SQL on every append costs more than binding it.
    private final PreparedStatement insertEvent;
    private final PreparedStatement insertUnsigned;
    private long lastSeq;
    /** The lowest sequence number waiting for the device key's signature, or {@code Long.MAX_VALUE}: nothing is sent from it on. */
    private long firstUnsigned;
    private int unsigned;
    private int depth;
    private long bytes;
    private int deadLetters;

    private Outbox(OutboxDb db, long budgetBytes, String deviceId) throws SQLException {
        this.db = db;
        this.budgetBytes = budgetBytes;
        this.insertEvent = db.connection.prepareStatement("INSERT INTO outbox(seq, type, compact, stored_at) VALUES (?,?,?,?)");
        this.insertUnsigned = db.connection.prepareStatement("INSERT INTO awaiting_signature(seq, type, payload, stored_at) VALUES (?,?,?,?)");
        Optional<String> owner = db.meta("device_id");
        if (owner.isEmpty()) {
            db.putMeta("device_id", deviceId);
        } else if (!owner.get().equals(deviceId)) {
            db.rollback();
            insertEvent.close();
            insertUnsigned.close();
            throw new OutboxException("the outbox " + db.file + " belongs to device '" + owner.get() + "', not '" + deviceId
                    + "'; point data.dir at this device's own directory");
        }
        long stored = db.meta("last_seq").map(Long::parseLong).orElse(0L);
        // Appends write only their row (one write per event keeps the commit cheap); last_seq is
        // written when rows are deleted. The highest number ever used is the largest of the three.
        stored = Math.max(stored, Math.max(db.queryLong("SELECT COALESCE(MAX(seq),0) FROM outbox"),
                Math.max(db.queryLong("SELECT COALESCE(MAX(seq),0) FROM dead_letter"),
                        db.queryLong("SELECT COALESCE(MAX(seq),0) FROM awaiting_signature"))));
        db.commit();
        this.lastSeq = stored;
        this.unsigned = (int) db.queryLong("SELECT COUNT(*) FROM awaiting_signature");
        this.firstUnsigned = unsigned == 0 ? Long.MAX_VALUE : db.queryLong("SELECT MIN(seq) FROM awaiting_signature");
        this.depth = (int) db.queryLong("SELECT COUNT(*) FROM outbox") + unsigned;
        this.bytes = db.queryLong("SELECT COALESCE(SUM(LENGTH(compact)),0) FROM outbox")
                + db.queryLong("SELECT COALESCE(SUM(LENGTH(payload)),0) FROM awaiting_signature")
                + db.queryLong("SELECT COALESCE(SUM(LENGTH(compact)),0) FROM dead_letter");
        this.deadLetters = (int) db.queryLong("SELECT COUNT(*) FROM dead_letter");
        this.photos = new PhotoStore(db);
        this.state = new AgentState(db);
        this.support = new SupportStore(db);
    }

    /**
     * Opens (creating if needed) the outbox at {@code file} for {@code deviceId}. An outbox made for
     * another device is refused: its evidence must not be sent under this device's name.
     */
    public static Outbox open(Path file, String deviceId, long budgetBytes) {
        Objects.requireNonNull(deviceId, "deviceId");
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("outbox budget must be positive, was " + budgetBytes);
        }
        OutboxDb db = OutboxDb.open(file);
        try {
            return new Outbox(db, budgetBytes, deviceId);
        } catch (SQLException e) {
            closeAfterFailedOpen(db);
            throw new OutboxException("cannot open the outbox " + file + ": " + e.getMessage()
                    + " (check that the directory exists, is writable by the agent's user, and the disk is not full)", e);
        } catch (RuntimeException e) {
            closeAfterFailedOpen(db);
            throw e;
        }
    }

    private static void closeAfterFailedOpen(OutboxDb db) {
        try {
            db.close();
        } catch (OutboxException e) {
            LOG.debug("closing a half-opened outbox failed", e);
        }
    }

    /**
     * Stores new events in one transaction: each maker gets the next sequence number and returns the
     * signed event for it (or, when the device key could not sign, the {@link StoredEvent#unsigned unsigned}
     * event, kept until {@link #signedLate} replaces it); then {@code scheduleState} is asked for the schedule's state (it may
     * depend on the numbers just given) and, when not null, stored with them. When this returns, the
     * events are on disk; if it throws, none of them is, and no number was used.
     */
    public List<StoredEvent> append(List<? extends LongFunction<StoredEvent>> makers, Supplier<String> scheduleState) {
        return append(makers, scheduleState, -1, null);
    }

    /**
     * As {@link #append(List, Supplier)}, and stores {@code jpeg} as the photo of the event the
     * maker at {@code photoOf} makes (a reading whose signed payload states the photo's hash), in
     * the same transaction: after a power cut the reading and its photo are both there or neither.
     */
    public List<StoredEvent> append(List<? extends LongFunction<StoredEvent>> makers, Supplier<String> scheduleState,
                                    int photoOf, byte[] jpeg) {
        synchronized (db) {
            List<StoredEvent> out = new ArrayList<>(makers.size());
            long seq = lastSeq;
            long now = System.currentTimeMillis();
            try {
                for (LongFunction<StoredEvent> maker : makers) {
                    seq++;
                    StoredEvent event = maker.apply(seq);
                    if (event.seq() != seq) {
                        throw new IllegalStateException("event maker returned seq " + event.seq() + " for " + seq);
                    }
                    PreparedStatement insert = event.signed() ? insertEvent : insertUnsigned;
                    insert.setLong(1, seq);
                    insert.setString(2, event.type().wireName());
                    insert.setString(3, event.compact());
                    insert.setLong(4, now);
                    insert.executeUpdate();
                    out.add(event);
                    if (event.type() == MessageType.SUPPORT_REQUEST) {
                        support.insert(supportRequest(event));
                    }
                    if (jpeg != null && out.size() - 1 == photoOf) {
                        photos.insert(seq, jpeg, now);
                    }
                }
                String stateNow = scheduleState == null ? null : scheduleState.get();
                if (stateNow != null) {
                    db.putMeta("schedule_state", stateNow);
                }
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("storing " + makers.size() + " event(s) in " + db.file + " failed: " + e.getMessage()
                        + (OutboxDb.isDiskFull(e) ? " (the disk is full: free space on the data disk)" : ""), e);
            } catch (RuntimeException e) {
                db.rollback();
                throw e;
            }
            lastSeq = seq;
            depth += out.size();
            for (StoredEvent e : out) {
                bytes += e.compact().length();
                if (!e.signed()) {
                    unsigned++;
                    firstUnsigned = Math.min(firstUnsigned, e.seq());
                }
            }
            if (jpeg != null && photoOf >= 0 && photoOf < out.size()) {
                photos.stored(jpeg.length);
            }
            return out;
        }
    }

    /**
     * Up to {@code limit} signed events waiting to be sent with a sequence number above {@code afterSeq}, in
     * order, and none from the first event still waiting for its signature on: the receiver gets them in order.
     */
    public List<StoredEvent> pendingAfter(long afterSeq, int limit) {
        synchronized (db) {
            long before = firstUnsigned;
            return db.read(() -> {
                List<StoredEvent> out = new ArrayList<>();
                try (PreparedStatement q = db.connection.prepareStatement(
                        "SELECT seq, type, compact FROM outbox WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?")) {
                    q.setLong(1, afterSeq);
                    q.setLong(2, before);
                    q.setInt(3, limit);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(new StoredEvent(rs.getLong(1), type(rs.getString(2)), rs.getString(3)));
                        }
                    }
                }
                return out;
            });
        }
    }

    /**
     * The receiver has stored these events: delete them, in one transaction. Unknown numbers
     * (already acknowledged: a duplicate or late ack) are ignored. Returns how many were deleted.
     */
    public int acknowledge(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return 0;
        }
        synchronized (db) {
            int deleted = 0;
            long freed = 0;
            try (PreparedStatement find = db.connection.prepareStatement("SELECT type, compact FROM outbox WHERE seq = ?");
                 PreparedStatement delete = db.connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
                long newestReading = db.meta("last_reading_seq").map(Long::parseLong).orElse(0L);
                String newestReadingCompact = null;
                for (long seq : seqs) {
                    find.setLong(1, seq);
                    try (ResultSet rs = find.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        String compact = rs.getString(2);
                        freed += compact.length();
                        if (rs.getString(1).equals(MessageType.READING.wireName()) && seq > newestReading) {
                            newestReading = seq;
                            newestReadingCompact = compact;
                        }
                    }
                    delete.setLong(1, seq);
                    deleted += delete.executeUpdate();
                    support.delivered(seq);
                }
                if (newestReadingCompact != null) {
                    db.putMeta("last_reading_seq", Long.toString(newestReading));
                    db.putMeta("last_reading", newestReadingCompact);
                }
                // Rows are deleted: the highest number ever used must now be remembered on its own.
                db.putMeta("last_seq", Long.toString(lastSeq));
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("deleting acknowledged events from " + db.file + " failed: " + e.getMessage(), e);
            }
            depth -= deleted;
            bytes -= freed;
            return deleted;
        }
    }

    /**
     * The receiver quarantined {@code seq}: move it out of the send queue into the dead-letter table
     * with the receiver's reason. Returns false if it was not waiting (already moved or acknowledged).
     */
    public boolean quarantine(long seq, String reason) {
        synchronized (db) {
            try (PreparedStatement move = db.connection.prepareStatement("INSERT OR IGNORE INTO dead_letter(seq, type, compact, reason,"
                    + " moved_at) SELECT seq, type, compact, ?, ? FROM outbox WHERE seq = ?");
                 PreparedStatement delete = db.connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
                db.putMeta("last_seq", Long.toString(lastSeq));
                move.setString(1, reason);
                move.setLong(2, System.currentTimeMillis());
                move.setLong(3, seq);
                int moved = move.executeUpdate();
                delete.setLong(1, seq);
                int deleted = delete.executeUpdate();
                // A quarantined reading's photo is never sent, and not kept: it is nobody's evidence.
                photos.deleteRow(seq);
                support.refused(seq, reason);
                db.commit();
                if (deleted == 0) {
                    return false;
                }
                depth -= deleted;
                deadLetters += moved;
                LOG.warn("Receiver quarantined event seq {} ({}); kept in the dead-letter table of {}", seq, reason, db.file);
                return true;
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("moving seq " + seq + " to the dead-letter table of " + db.file + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Up to {@code limit} events waiting for the device key's signature ({@link StoredEvent#signed()} false), in order. */
    public List<StoredEvent> awaitingSignature(int limit) {
        synchronized (db) {
            if (unsigned == 0) {
                return List.of();
            }
            return db.read(() -> {
                List<StoredEvent> out = new ArrayList<>();
                try (PreparedStatement q = db.connection.prepareStatement(
                        "SELECT seq, type, payload FROM awaiting_signature ORDER BY seq LIMIT ?")) {
                    q.setInt(1, limit);
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(StoredEvent.unsigned(rs.getLong(1), type(rs.getString(2)), rs.getString(3)));
                        }
                    }
                }
                return out;
            });
        }
    }

    /** How many events wait for the device key's signature. */
    public int awaitingSignatureCount() {
        synchronized (db) {
            return unsigned;
        }
    }

    /**
     * The device key has signed events that were stored unsigned: in one transaction each signed event takes the
     * place of its payload, and from then on it is sent like any other. Each must be the signature of an event
     * waiting here, with the same number and type.
     */
    public void signedLate(List<StoredEvent> signedEvents) {
        if (signedEvents.isEmpty()) {
            return;
        }
        synchronized (db) {
            long freed = 0;
            long added = 0;
            try (PreparedStatement find = db.connection.prepareStatement("SELECT type, payload, stored_at FROM awaiting_signature WHERE seq = ?");
                 PreparedStatement delete = db.connection.prepareStatement("DELETE FROM awaiting_signature WHERE seq = ?")) {
                for (StoredEvent e : signedEvents) {
                    if (!e.signed()) {
                        throw new IllegalArgumentException("seq " + e.seq() + " is not signed");
                    }
                    find.setLong(1, e.seq());
                    long storedAt;
                    try (ResultSet rs = find.executeQuery()) {
                        if (!rs.next() || !rs.getString(1).equals(e.type().wireName())) {
                            throw new IllegalArgumentException("seq " + e.seq() + " (" + e.type().wireName() + ") is not waiting for a signature");
                        }
                        freed += rs.getString(2).length();
                        storedAt = rs.getLong(3);
                    }
                    delete.setLong(1, e.seq());
                    delete.executeUpdate();
                    insertEvent.setLong(1, e.seq());
                    insertEvent.setString(2, e.type().wireName());
                    insertEvent.setString(3, e.compact());
                    insertEvent.setLong(4, storedAt);
                    insertEvent.executeUpdate();
                    added += e.compact().length();
                }
                db.commit();
                unsigned -= signedEvents.size();
                firstUnsigned = unsigned == 0 ? Long.MAX_VALUE : db.queryLong("SELECT MIN(seq) FROM awaiting_signature");
                bytes += added - freed;
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("storing " + signedEvents.size() + " late signature(s) in " + db.file + " failed: " + e.getMessage()
                        + (OutboxDb.isDiskFull(e) ? " (the disk is full: free space on the data disk)" : ""), e);
            } catch (RuntimeException e) {
                db.rollback();
                throw e;
            }
        }
    }

    /** The quarantined events with the receiver's reasons, in sequence order. */
    List<DeadLetter> deadLetters() {
        synchronized (db) {
            return db.read(() -> {
                List<DeadLetter> out = new ArrayList<>();
                try (Statement s = db.connection.createStatement();
                     ResultSet rs = s.executeQuery("SELECT seq, type, compact, reason FROM dead_letter ORDER BY seq")) {
                    while (rs.next()) {
                        out.add(new DeadLetter(new StoredEvent(rs.getLong(1), type(rs.getString(2)), rs.getString(3)), rs.getString(4)));
                    }
                }
                return out;
            });
        }
    }

    /** The signed compact JWS of the newest reading ever stored (kept after its ack), if any. */
    public Optional<String> lastReading() {
        synchronized (db) {
            return db.read(() -> {
                try (Statement s = db.connection.createStatement();
                     ResultSet rs = s.executeQuery("SELECT compact FROM outbox WHERE type = 'reading' ORDER BY seq DESC LIMIT 1")) {
                    if (rs.next()) {
                        return Optional.of(rs.getString(1));
                    }
                }
                return db.meta("last_reading");
            });
        }
    }

    /**
     * How long the oldest event still waiting for its ack (signed or awaiting its signature) has waited, in whole seconds:
     * 0 when none waits, and never negative (a wall clock set back makes a young event look 0 s old, not minus an hour).
     * Two indexed lookups: heartbeats call it.
     *
     * @param nowMs the device's wall-clock time now (epoch ms), the same clock events are stamped by when stored
     */
    public long oldestWaitSeconds(long nowMs) {
        synchronized (db) {
            Long oldest = db.read(() -> {
                try (Statement s = db.connection.createStatement();
                     ResultSet rs = s.executeQuery("SELECT min(t) FROM (SELECT (SELECT stored_at FROM outbox ORDER BY seq LIMIT 1) AS t"
                             + " UNION ALL SELECT (SELECT stored_at FROM awaiting_signature ORDER BY seq LIMIT 1))")) {
                    long t = rs.next() ? rs.getLong(1) : 0;
                    return rs.wasNull() ? null : t;
                }
            });
            return oldest == null ? 0 : Math.max(0, (nowMs - oldest) / 1000);
        }
    }

    /** Depth, bytes and budget, from counters kept in memory (cheap: heartbeats call it). */
    public OutboxStats stats() {
        synchronized (db) {
            return new OutboxStats(depth, bytes, deadLetters, lastSeq, budgetBytes);
        }
    }

    /** The readings' photos kept in this file. */
    public PhotoStore photos() {
        return photos;
    }

    /** The parent's support requests and the service's word on them, kept in this file. */
    public SupportStore support() {
        return support;
    }

    /** The agent's schedule state and receiver configuration kept in this file. */
    public AgentState state() {
        return state;
    }

    /** The SQLite file. */
    public Path file() {
        return db.file;
    }

    @Override
    public void close() {
        synchronized (db) {
            try {
                if (!db.connection.isClosed()) {
                    insertEvent.close();
                    insertUnsigned.close();
                }
            } catch (SQLException e) {
                throw new OutboxException("closing the outbox " + db.file + " failed: " + e.getMessage(), e);
            }
            db.close();
        }
    }

    /** The support request a just-signed event holds (its payload, read back: the outbox keeps its facts beside it). */
    private static SupportRequest supportRequest(StoredEvent event) {
        String compact = event.compact();
        int first = compact.indexOf('.');
        int second = compact.indexOf('.', first + 1);
        try {
            byte[] payload = event.signed() ? Base64.getUrlDecoder().decode(compact.substring(first + 1, second))
                    : compact.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return (SupportRequest) MessageJson.decode(payload).message();
        } catch (InvalidMessageException | RuntimeException e) {
            throw new IllegalStateException("support request " + event.seq() + " was signed but its payload cannot be read back", e);
        }
    }

    private static MessageType type(String wireName) {
        return MessageType.fromWireName(wireName)
                .orElseThrow(() -> new OutboxException("the outbox holds an event of unknown type '" + wireName + "'"));
    }
}
