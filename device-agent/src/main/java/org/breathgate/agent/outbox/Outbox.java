package org.breathgate.agent.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.breathgate.protocol.MessageType;
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
 * <p>Thread-safe: one connection, used under this object's lock.
 */
public final class Outbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final Path file;
    private final long budgetBytes;
    private final Connection db;
    // Prepared once: an append is one commit, and preparing SQL on every append costs more than binding it.
    private PreparedStatement insertEvent;
    private PreparedStatement upsertMeta;
    private long lastSeq;
    private int depth;
    private long bytes;
    private int deadLetters;
    private int photos;
    private long photoBytes;

    private Outbox(Path file, long budgetBytes, Connection db) {
        this.file = file;
        this.budgetBytes = budgetBytes;
        this.db = db;
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
        Connection db = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                // FULL: a commit is on disk (WAL fsynced) before append returns; power may go any time.
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                        + " compact TEXT NOT NULL, stored_at INTEGER NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS dead_letter (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                        + " compact TEXT NOT NULL, reason TEXT NOT NULL, moved_at INTEGER NOT NULL)");
                // A reading's photo, stored in the reading's own transaction; next_chunk: how far sending got.
                s.execute("CREATE TABLE IF NOT EXISTS photo_outbox (seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL,"
                        + " jpeg BLOB NOT NULL, next_chunk INTEGER NOT NULL DEFAULT 0, stored_at INTEGER NOT NULL)");
            }
            Outbox outbox = new Outbox(file, budgetBytes, db);
            outbox.load(deviceId);
            return outbox;
        } catch (SQLException | java.io.IOException e) {
            closeQuietly(db);
            throw new OutboxException("cannot open the outbox " + file + ": " + e.getMessage()
                    + " (check that the directory exists, is writable by the agent's user, and the disk is not full)", e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            throw e;
        }
    }

    private void load(String deviceId) throws SQLException {
        db.setAutoCommit(false);
        insertEvent = db.prepareStatement("INSERT INTO outbox(seq, type, compact, stored_at) VALUES (?,?,?,?)");
        upsertMeta = db.prepareStatement("INSERT INTO meta(k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
        Optional<String> owner = meta("device_id");
        if (owner.isEmpty()) {
            putMeta("device_id", deviceId);
        } else if (!owner.get().equals(deviceId)) {
            db.rollback();
            throw new OutboxException("the outbox " + file + " belongs to device '" + owner.get() + "', not '" + deviceId
                    + "'; point data.dir at this device's own directory");
        }
        long stored = meta("last_seq").map(Long::parseLong).orElse(0L);
        // Appends write only their row (one write per event keeps the commit cheap); last_seq is
        // written when rows are deleted. The highest number ever used is the largest of the three.
        stored = Math.max(stored, Math.max(queryLong("SELECT COALESCE(MAX(seq),0) FROM outbox"),
                queryLong("SELECT COALESCE(MAX(seq),0) FROM dead_letter")));
        db.commit();
        lastSeq = stored;
        depth = (int) queryLong("SELECT COUNT(*) FROM outbox");
        bytes = queryLong("SELECT COALESCE(SUM(LENGTH(compact)),0) FROM outbox")
                + queryLong("SELECT COALESCE(SUM(LENGTH(compact)),0) FROM dead_letter");
        deadLetters = (int) queryLong("SELECT COUNT(*) FROM dead_letter");
        photos = (int) queryLong("SELECT COUNT(*) FROM photo_outbox");
        photoBytes = queryLong("SELECT COALESCE(SUM(LENGTH(jpeg)),0) FROM photo_outbox");
    }

    /**
     * Stores new events in one transaction: each maker gets the next sequence number and returns the
     * signed event for it; then {@code scheduleState} is asked for the schedule's state (it may
     * depend on the numbers just given) and, when not null, stored with them. When this returns, the
     * events are on disk; if it throws, none of them is, and no number was used.
     */
    public synchronized List<StoredEvent> append(List<? extends LongFunction<StoredEvent>> makers, Supplier<String> scheduleState) {
        return append(makers, scheduleState, -1, null);
    }

    /**
     * As {@link #append(List, Supplier)}, and stores {@code jpeg} as the photo of the event the
     * maker at {@code photoOf} makes (a reading whose signed payload states the photo's hash), in
     * the same transaction: after a power cut the reading and its photo are both there or neither.
     */
    public synchronized List<StoredEvent> append(List<? extends LongFunction<StoredEvent>> makers, Supplier<String> scheduleState,
                                                 int photoOf, byte[] jpeg) {
        List<StoredEvent> out = new ArrayList<>(makers.size());
        long seq = lastSeq;
        long now = System.currentTimeMillis();
        try {
            PreparedStatement insert = insertEvent;
            for (LongFunction<StoredEvent> maker : makers) {
                seq++;
                StoredEvent event = maker.apply(seq);
                if (event.seq() != seq) {
                    throw new IllegalStateException("event maker returned seq " + event.seq() + " for " + seq);
                }
                insert.setLong(1, seq);
                insert.setString(2, event.type().wireName());
                insert.setString(3, event.compact());
                insert.setLong(4, now);
                insert.executeUpdate();
                out.add(event);
                if (jpeg != null && out.size() - 1 == photoOf) {
                    try (PreparedStatement photo = db.prepareStatement(
                            "INSERT INTO photo_outbox(seq, sha256, jpeg, next_chunk, stored_at) VALUES (?,?,?,0,?)")) {
                        photo.setLong(1, seq);
                        photo.setString(2, org.breathgate.protocol.photo.Photos.sha256Hex(jpeg));
                        photo.setBytes(3, jpeg);
                        photo.setLong(4, now);
                        photo.executeUpdate();
                    }
                }
            }
            String state = scheduleState == null ? null : scheduleState.get();
            if (state != null) {
                putMeta("schedule_state", state);
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("storing " + makers.size() + " event(s) in " + file + " failed: " + e.getMessage()
                    + (isDiskFull(e) ? " (the disk is full: free space on the data disk)" : ""), e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
        lastSeq = seq;
        depth += out.size();
        for (StoredEvent e : out) {
            bytes += e.compact().length();
        }
        if (jpeg != null && photoOf >= 0 && photoOf < out.size()) {
            photos++;
            photoBytes += jpeg.length;
        }
        return out;
    }

    // ---- photos ----------------------------------------------------------------------------

    /**
     * A photo waiting to be sent: its reading's {@code seq}, its hash, size, and the chunk sending
     * has reached (durable, so a restart goes on from there).
     */
    public record WaitingPhoto(long seq, String sha256, int size, int nextChunk) {
    }

    /**
     * Up to {@code limit} photos whose readings the receiver has acknowledged (the reading is no
     * longer in the send queue), oldest first: only those are sent, so a photo always follows its reading.
     */
    public synchronized List<WaitingPhoto> photosToSend(int limit) {
        return read(() -> {
            List<WaitingPhoto> out = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("SELECT seq, sha256, LENGTH(jpeg), next_chunk FROM photo_outbox p"
                    + " WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.seq = p.seq) ORDER BY seq LIMIT ?")) {
                q.setInt(1, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new WaitingPhoto(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4)));
                    }
                }
            }
            return out;
        });
    }

    /** The bytes of the photo of reading {@code seq}, if it is still kept. */
    public synchronized Optional<byte[]> photo(long seq) {
        return read(() -> {
            try (PreparedStatement q = db.prepareStatement("SELECT jpeg FROM photo_outbox WHERE seq = ?")) {
                q.setLong(1, seq);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    /** Remembers (durably) that chunks before {@code nextChunk} of the photo of {@code seq} were sent. */
    public synchronized void photoProgress(long seq, int nextChunk) {
        try (PreparedStatement u = db.prepareStatement("UPDATE photo_outbox SET next_chunk = ? WHERE seq = ? AND next_chunk < ?")) {
            u.setInt(1, nextChunk);
            u.setLong(2, seq);
            u.setInt(3, nextChunk);
            u.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("saving the photo progress of seq " + seq + " in " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The receiver has answered for the photo of {@code seq} for good: delete it. False if it was gone. */
    public synchronized boolean deletePhoto(long seq) {
        try {
            int deleted = deletePhotoRow(seq);
            db.commit();
            return deleted > 0;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("deleting the photo of seq " + seq + " from " + file + " failed: " + e.getMessage(), e);
        }
    }

    private int deletePhotoRow(long seq) throws SQLException {
        try (PreparedStatement size = db.prepareStatement("SELECT LENGTH(jpeg) FROM photo_outbox WHERE seq = ?");
             PreparedStatement delete = db.prepareStatement("DELETE FROM photo_outbox WHERE seq = ?")) {
            size.setLong(1, seq);
            long length = 0;
            try (ResultSet rs = size.executeQuery()) {
                if (rs.next()) {
                    length = rs.getLong(1);
                }
            }
            delete.setLong(1, seq);
            int deleted = delete.executeUpdate();
            if (deleted > 0) {
                photos -= deleted;
                photoBytes -= length;
            }
            return deleted;
        }
    }

    /** Photos kept (waiting to be sent or answered) and their bytes: cheap, from counters. */
    public synchronized PhotoStats photoStats() {
        return new PhotoStats(photos, photoBytes);
    }

    /** Photos kept on the device and the bytes they take. */
    public record PhotoStats(int count, long bytes) {
    }

    /** Stores the schedule's state alone (when it changed without producing an event). */
    public synchronized void saveScheduleState(String scheduleState) {
        try {
            putMeta("schedule_state", scheduleState);
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("saving the schedule state in " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** Stores the signed configuration from the receiver now in use, so a restart keeps it. */
    public synchronized void saveReceiverConfig(String compact) {
        try {
            putMeta("receiver_config", compact);
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("saving the receiver configuration in " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The signed receiver configuration stored last (compact JWS), if any. */
    public synchronized Optional<String> receiverConfig() {
        return read(() -> meta("receiver_config"));
    }

    /** The schedule state stored last, if any. */
    public synchronized Optional<String> scheduleState() {
        return read(() -> meta("schedule_state"));
    }

    /** The signed compact JWS of the newest reading ever stored (kept after its ack), if any. */
    public synchronized Optional<String> lastReading() {
        return read(() -> {
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT compact FROM outbox WHERE type = 'reading' ORDER BY seq DESC LIMIT 1")) {
                if (rs.next()) {
                    return Optional.of(rs.getString(1));
                }
            }
            return meta("last_reading");
        });
    }

    /** Up to {@code limit} waiting events with a sequence number above {@code afterSeq}, in order. */
    public synchronized List<StoredEvent> pendingAfter(long afterSeq, int limit) {
        return read(() -> {
            List<StoredEvent> out = new ArrayList<>();
            try (PreparedStatement q = db.prepareStatement("SELECT seq, type, compact FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
                q.setLong(1, afterSeq);
                q.setInt(2, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredEvent(rs.getLong(1), type(rs.getString(2)), rs.getString(3)));
                    }
                }
            }
            return out;
        });
    }

    /** Whether the event {@code seq} is still waiting for its ack. */
    public synchronized boolean isPending(long seq) {
        return read(() -> {
            try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM outbox WHERE seq = ?")) {
                q.setLong(1, seq);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /**
     * The receiver has stored these events: delete them, in one transaction. Unknown numbers
     * (already acknowledged: a duplicate or late ack) are ignored. Returns how many were deleted.
     */
    public synchronized int acknowledge(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return 0;
        }
        int deleted = 0;
        long freed = 0;
        try (PreparedStatement find = db.prepareStatement("SELECT type, compact FROM outbox WHERE seq = ?");
             PreparedStatement delete = db.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
            long newestReading = meta("last_reading_seq").map(Long::parseLong).orElse(0L);
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
            }
            if (newestReadingCompact != null) {
                putMeta("last_reading_seq", Long.toString(newestReading));
                putMeta("last_reading", newestReadingCompact);
            }
            // Rows are deleted: the highest number ever used must now be remembered on its own.
            putMeta("last_seq", Long.toString(lastSeq));
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("deleting acknowledged events from " + file + " failed: " + e.getMessage(), e);
        }
        depth -= deleted;
        bytes -= freed;
        return deleted;
    }

    /**
     * The receiver quarantined {@code seq}: move it out of the send queue into the dead-letter table
     * with the receiver's reason. Returns false if it was not waiting (already moved or acknowledged).
     */
    public synchronized boolean quarantine(long seq, String reason) {
        try (PreparedStatement move = db.prepareStatement(
                "INSERT OR IGNORE INTO dead_letter(seq, type, compact, reason, moved_at) SELECT seq, type, compact, ?, ? FROM outbox WHERE seq = ?");
             PreparedStatement delete = db.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
            putMeta("last_seq", Long.toString(lastSeq));
            move.setString(1, reason);
            move.setLong(2, System.currentTimeMillis());
            move.setLong(3, seq);
            int moved = move.executeUpdate();
            delete.setLong(1, seq);
            int deleted = delete.executeUpdate();
            // A quarantined reading's photo is never sent, and not kept: it is nobody's evidence.
            deletePhotoRow(seq);
            db.commit();
            if (deleted == 0) {
                return false;
            }
            depth -= deleted;
            deadLetters += moved;
            LOG.warn("Receiver quarantined event seq {} ({}); kept in the dead-letter table of {}", seq, reason, file);
            return true;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("moving seq " + seq + " to the dead-letter table of " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** The quarantined events with the receiver's reasons, in sequence order. */
    public synchronized List<DeadLetter> deadLetters() {
        return read(() -> {
            List<DeadLetter> out = new ArrayList<>();
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT seq, type, compact, reason FROM dead_letter ORDER BY seq")) {
                while (rs.next()) {
                    out.add(new DeadLetter(new StoredEvent(rs.getLong(1), type(rs.getString(2)), rs.getString(3)), rs.getString(4)));
                }
            }
            return out;
        });
    }

    /** A quarantined event and the receiver's reason. */
    public record DeadLetter(StoredEvent event, String reason) {
    }

    /** Depth, bytes and budget, from counters kept in memory (cheap: heartbeats call it). */
    public synchronized OutboxStats stats() {
        return new OutboxStats(depth, bytes, deadLetters, lastSeq, budgetBytes);
    }

    /**
     * What an outbox holds, read without disturbing the agent that may be using it (a read-only
     * connection; SQLite's WAL lets it read while the agent writes).
     *
     * @param deviceId     the device the outbox belongs to
     * @param depth        events waiting for the receiver's ack
     * @param bytes        their size, with the dead letters
     * @param deadLetters  events the receiver quarantined
     * @param lastSeq      the highest sequence number used
     * @param lastReading  the newest reading's compact JWS, if any
     */
    public record Inspection(String deviceId, int depth, long bytes, int deadLetters, long lastSeq, Optional<String> lastReading) {
    }

    /** Reads {@code file} read-only; empty if there is no outbox there yet. */
    public static Optional<Inspection> inspect(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        org.sqlite.SQLiteConfig ro = new org.sqlite.SQLiteConfig();
        ro.setReadOnly(true);
        ro.setBusyTimeout(5000);
        // With the agent running, its connection keeps the -wal and -shm files and this reader joins
        // them. Without them nobody is writing, and a plain read-only connection would create them:
        // read the file as immutable instead, so inspecting leaves the device's files as they were.
        boolean quiet = !Files.exists(Path.of(file + "-wal"));
        String url = quiet ? "jdbc:sqlite:file:" + file.toAbsolutePath() + "?immutable=1" : "jdbc:sqlite:" + file;
        try (Connection c = ro.createConnection(url); Statement s = c.createStatement()) {
            String device = one(s, "SELECT v FROM meta WHERE k = 'device_id'");
            long lastSeq = Math.max(parse(one(s, "SELECT v FROM meta WHERE k = 'last_seq'")),
                    Math.max(parse(one(s, "SELECT MAX(seq) FROM outbox")), parse(one(s, "SELECT MAX(seq) FROM dead_letter"))));
            int depth = (int) parse(one(s, "SELECT COUNT(*) FROM outbox"));
            long bytes = parse(one(s, "SELECT COALESCE(SUM(LENGTH(compact)),0) FROM outbox"))
                    + parse(one(s, "SELECT COALESCE(SUM(LENGTH(compact)),0) FROM dead_letter"));
            int dead = (int) parse(one(s, "SELECT COUNT(*) FROM dead_letter"));
            String last = one(s, "SELECT compact FROM outbox WHERE type = 'reading' ORDER BY seq DESC LIMIT 1");
            if (last == null) {
                last = one(s, "SELECT v FROM meta WHERE k = 'last_reading'");
            }
            return Optional.of(new Inspection(device == null ? "" : device, depth, bytes, dead, lastSeq, Optional.ofNullable(last)));
        } catch (SQLException e) {
            throw new OutboxException("cannot read the outbox " + file + ": " + e.getMessage(), e);
        }
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static long parse(String v) {
        return v == null ? 0 : Long.parseLong(v);
    }

    /** The SQLite file. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            if (!db.isClosed()) {
                db.rollback();
                insertEvent.close();
                upsertMeta.close();
                db.close();
            }
        } catch (SQLException e) {
            throw new OutboxException("closing the outbox " + file + " failed: " + e.getMessage(), e);
        }
    }

    private interface SqlAction<T> {
        T run() throws SQLException;
    }

    private <T> T read(SqlAction<T> action) {
        try {
            T value = action.run();
            db.commit();
            return value;
        } catch (SQLException e) {
            rollback();
            throw new OutboxException("reading the outbox " + file + " failed: " + e.getMessage(), e);
        }
    }

    private Optional<String> meta(String key) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT v FROM meta WHERE k = ?")) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private void putMeta(String key, String value) throws SQLException {
        upsertMeta.setString(1, key);
        upsertMeta.setString(2, value);
        upsertMeta.executeUpdate();
    }

    private long queryLong(String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static MessageType type(String wireName) {
        return MessageType.fromWireName(wireName)
                .orElseThrow(() -> new OutboxException("the outbox holds an event of unknown type '" + wireName + "'"));
    }

    private static boolean isDiskFull(SQLException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("SQLITE_FULL") || m.contains("disk is full");
    }

    private void rollback() {
        if (db == null) {
            return;
        }
        try {
            db.rollback();
        } catch (SQLException e) {
            LOG.error("Rollback on outbox {} failed: {}", file, e.toString());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing a half-opened outbox failed", e);
            }
        }
    }
}
