package org.breathgate.agent.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.breathgate.protocol.photo.Photos;

/**
 * The readings' photos kept in the outbox file until the receiver has answered for them. A photo
 * arrives in its reading's own transaction ({@link Outbox#append(List, java.util.function.Supplier,
 * int, byte[])}) and leaves when the receiver's answer is final ({@link #delete}) or its reading is
 * quarantined. Get it from {@link Outbox#photos()}; thread-safe, under the outbox's lock.
 */
public final class PhotoStore {

    private final OutboxDb db;
    private int photos;
    private long photoBytes;

    PhotoStore(OutboxDb db) throws SQLException {
        this.db = db;
        this.photos = (int) db.queryLong("SELECT COUNT(*) FROM photo_outbox");
        this.photoBytes = db.queryLong("SELECT COALESCE(SUM(LENGTH(jpeg)),0) FROM photo_outbox");
    }

    /**
     * Up to {@code limit} photos whose readings the receiver has acknowledged (the reading is no
     * longer in the send queue), oldest first: only those are sent, so a photo always follows its reading.
     */
    public List<WaitingPhoto> toSend(int limit) {
        synchronized (db) {
            return db.read(() -> {
                List<WaitingPhoto> out = new ArrayList<>();
                try (PreparedStatement q = db.connection.prepareStatement("SELECT seq, sha256, LENGTH(jpeg), next_chunk FROM photo_outbox p"
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
    }

    /** The bytes of the photo of reading {@code seq}, if it is still kept. */
    public Optional<byte[]> jpeg(long seq) {
        synchronized (db) {
            return db.read(() -> {
                try (PreparedStatement q = db.connection.prepareStatement("SELECT jpeg FROM photo_outbox WHERE seq = ?")) {
                    q.setLong(1, seq);
                    try (ResultSet rs = q.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                    }
                }
            });
        }
    }

    /** Remembers (durably) that chunks before {@code nextChunk} of the photo of {@code seq} were sent. */
    public void saveProgress(long seq, int nextChunk) {
        synchronized (db) {
            try (PreparedStatement u = db.connection.prepareStatement(
                    "UPDATE photo_outbox SET next_chunk = ? WHERE seq = ? AND next_chunk < ?")) {
                u.setInt(1, nextChunk);
                u.setLong(2, seq);
                u.setInt(3, nextChunk);
                u.executeUpdate();
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("saving the photo progress of seq " + seq + " in " + db.file + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** The receiver has answered for the photo of {@code seq} for good: delete it. False if it was gone. */
    public boolean delete(long seq) {
        synchronized (db) {
            try {
                int deleted = deleteRow(seq);
                db.commit();
                return deleted > 0;
            } catch (SQLException e) {
                db.rollback();
                throw new OutboxException("deleting the photo of seq " + seq + " from " + db.file + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** Photos kept (waiting to be sent or answered) and their bytes: cheap, from counters. */
    public PhotoStats stats() {
        synchronized (db) {
            return new PhotoStats(photos, photoBytes);
        }
    }

    /** Inserts the photo of reading {@code seq} in the caller's transaction; count it with {@link #stored} after the commit. */
    void insert(long seq, byte[] jpeg, long storedAt) throws SQLException {
        try (PreparedStatement photo = db.connection.prepareStatement(
                "INSERT INTO photo_outbox(seq, sha256, jpeg, next_chunk, stored_at) VALUES (?,?,?,0,?)")) {
            photo.setLong(1, seq);
            photo.setString(2, Photos.sha256Hex(jpeg));
            photo.setBytes(3, jpeg);
            photo.setLong(4, storedAt);
            photo.executeUpdate();
        }
    }

    /** Counts a photo whose transaction committed. */
    void stored(int bytes) {
        photos++;
        photoBytes += bytes;
    }

    /** Deletes the photo of {@code seq}, if any, in the caller's transaction. */
    int deleteRow(long seq) throws SQLException {
        try (PreparedStatement size = db.connection.prepareStatement("SELECT LENGTH(jpeg) FROM photo_outbox WHERE seq = ?");
             PreparedStatement delete = db.connection.prepareStatement("DELETE FROM photo_outbox WHERE seq = ?")) {
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
}
