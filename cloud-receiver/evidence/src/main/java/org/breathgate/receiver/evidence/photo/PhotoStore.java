package org.breathgate.receiver.evidence.photo;

import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.photo.Photos;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.evidence.db.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Photos in the database and the photo folder: chunks in transfer, stored photos, quarantine.
 * Every method works on the caller's connection, inside the caller's transaction.
 */
public final class PhotoStore {

    private final PhotoSettings settings;

    public PhotoStore(PhotoSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public PhotoSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- chunks

    /** Keeps one chunk (a chunk already kept is left as it is). */
    public void putChunk(Connection c, PhotoChunk chunk, Instant receivedAt) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into photo_chunks(device_id, reading_seq, sha256, chunk_index, size,"
                + " chunk_count, data, received_at_ms) values (?,?,?,?,?,?,?,?) on conflict do nothing")) {
            s.setString(1, chunk.deviceId());
            s.setLong(2, chunk.readingSeq());
            s.setString(3, chunk.sha256());
            s.setInt(4, chunk.index());
            s.setInt(5, chunk.size());
            s.setInt(6, chunk.count());
            s.setBytes(7, chunk.data());
            s.setLong(8, receivedAt.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** The chunk indexes of the photo {@code sha256} of {@code device#seq} not yet received, ascending. */
    public List<Integer> missingChunks(Connection c, String deviceId, long seq, String sha256, int count) throws SQLException {
        TreeSet<Integer> missing = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            missing.add(i);
        }
        try (PreparedStatement q = c.prepareStatement("select chunk_index from photo_chunks where device_id = ? and reading_seq = ?"
                + " and sha256 = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            q.setString(3, sha256);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getInt(1));
                }
            }
        }
        return new ArrayList<>(missing);
    }

    /** The bytes of a complete photo from its chunks, in order. */
    public byte[] assemble(Connection c, String deviceId, long seq, String sha256, int size) throws SQLException {
        byte[] out = new byte[size];
        int at = 0;
        try (PreparedStatement q = c.prepareStatement("select data from photo_chunks where device_id = ? and reading_seq = ?"
                + " and sha256 = ? order by chunk_index")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            q.setString(3, sha256);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    byte[] data = rs.getBytes(1);
                    if (at + data.length > size) {
                        throw new StoreException("the chunks of " + deviceId + "#" + seq + " hold more than " + size + " bytes");
                    }
                    System.arraycopy(data, 0, out, at, data.length);
                    at += data.length;
                }
            }
        }
        if (at != size) {
            throw new StoreException("the chunks of " + deviceId + "#" + seq + " hold " + at + " bytes, not " + size);
        }
        return out;
    }

    /** The photos (by claimed hash) of which chunks are held for {@code device#seq}: {sha256, size, count}. */
    public List<Object[]> heldPhotos(Connection c, String deviceId, long seq) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select sha256, min(size), min(chunk_count) from photo_chunks"
                + " where device_id = ? and reading_seq = ? group by sha256")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Object[] {rs.getString(1), rs.getInt(2), rs.getInt(3)});
                }
            }
        }
        return out;
    }

    /** Forgets every chunk of {@code device#seq}. */
    public void dropChunks(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from photo_chunks where device_id = ? and reading_seq = ?")) {
            s.setString(1, deviceId);
            s.setLong(2, seq);
            s.executeUpdate();
        }
    }

    /** Readings of {@code deviceId} for which chunks are held, other than {@code exceptSeq}. */
    public int heldReadings(Connection c, String deviceId, long exceptSeq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select count(distinct reading_seq) from photo_chunks where device_id = ?"
                + " and reading_seq <> ?")) {
            q.setString(1, deviceId);
            q.setLong(2, exceptSeq);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Bytes of all chunks held. */
    public long heldBytes(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select coalesce(sum(size), 0) from (select min(size) as size from photo_chunks"
                + " group by device_id, reading_seq, sha256) held")) {
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Drops chunks first received before {@code before} (held photos whose reading never came, abandoned transfers). */
    public int dropChunksOlderThan(Connection c, Instant before) throws SQLException {
        List<Object[]> stale = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select device_id, reading_seq from photo_chunks group by device_id, reading_seq"
                + " having min(received_at_ms) < ?")) {
            q.setLong(1, before.toEpochMilli());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    stale.add(new Object[] {rs.getString(1), rs.getLong(2)});
                }
            }
        }
        for (Object[] s : stale) {
            dropChunks(c, (String) s[0], (Long) s[1]);
        }
        return stale.size();
    }

    // ---------------------------------------------------------------- stored photos

    /** The stored photo of {@code device#seq}, if any. */
    public Optional<StoredPhoto> find(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select device_id, reading_seq, sha256, size, media_type, taken_at_ms, stored_at_ms"
                + " from photos where device_id = ? and reading_seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Every stored photo (for retention). */
    public List<StoredPhoto> all(Connection c) throws SQLException {
        List<StoredPhoto> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select device_id, reading_seq, sha256, size, media_type, taken_at_ms, stored_at_ms"
                + " from photos order by taken_at_ms")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    private static StoredPhoto row(ResultSet rs) throws SQLException {
        return new StoredPhoto(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
    }

    /**
     * Stores verified photo bytes as evidence: a file written and fsynced before its row is inserted
     * (so a row never names a missing file), or the bytes in the row.
     */
    public void store(Connection c, StoredPhoto photo, byte[] bytes) throws SQLException {
        String path = null;
        byte[] inRow = null;
        if (settings.storage() == PhotoSettings.Storage.FILE) {
            path = photo.deviceId() + "/" + photo.readingSeq() + "-" + photo.sha256().substring(0, 16) + ".jpg";
            writeDurably(settings.dir().resolve(path), bytes);
        } else {
            inRow = bytes;
        }
        try (PreparedStatement s = c.prepareStatement("insert into photos(device_id, reading_seq, sha256, size, media_type, storage,"
                + " path, bytes, taken_at_ms, stored_at_ms) values (?,?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, photo.deviceId());
            s.setLong(2, photo.readingSeq());
            s.setString(3, photo.sha256());
            s.setInt(4, photo.size());
            s.setString(5, photo.mediaType());
            s.setString(6, settings.storage() == PhotoSettings.Storage.FILE ? "file" : "database");
            s.setString(7, path);
            s.setBytes(8, inRow);
            Sql.setInstant(s, 9, photo.takenAt());
            Sql.setInstant(s, 10, photo.storedAt());
            s.executeUpdate();
        }
    }

    /**
     * The bytes of a stored photo, checked again against its signed hash (a file changed on disk is
     * refused, not shown).
     */
    public Optional<byte[]> bytes(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select storage, path, bytes, sha256, size from photos"
                + " where device_id = ? and reading_seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] bytes;
                if (rs.getString(1).equals("file")) {
                    try {
                        bytes = Files.readAllBytes(settings.dir().resolve(rs.getString(2)));
                    } catch (IOException e) {
                        throw new StoreException("the photo file of " + deviceId + "#" + seq + " cannot be read: " + e.getMessage(), e);
                    }
                } else {
                    bytes = rs.getBytes(3);
                }
                if (bytes.length != rs.getInt(5) || !Photos.sha256Hex(bytes).equals(rs.getString(4))) {
                    throw new StoreException("the stored photo of " + deviceId + "#" + seq
                            + " no longer matches its signed hash: it was changed after it was stored");
                }
                return Optional.of(bytes);
            }
        }
    }

    /** Deletes a stored photo (file and row) and its review; true if there was one. */
    public boolean delete(Connection c, String deviceId, long seq) throws SQLException {
        String path = null;
        try (PreparedStatement q = c.prepareStatement("select path from photos where device_id = ? and reading_seq = ?")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                path = rs.getString(1);
            }
        }
        for (String sql : new String[] {"delete from photos where device_id = ? and reading_seq = ?",
                "delete from photo_reviews where device_id = ? and reading_seq = ?"}) {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, deviceId);
                s.setLong(2, seq);
                s.executeUpdate();
            }
        }
        if (path != null) {
            try {
                Files.deleteIfExists(settings.dir().resolve(path));
            } catch (IOException e) {
                throw new StoreException("the photo file of " + deviceId + "#" + seq + " cannot be deleted: " + e.getMessage(), e);
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- quarantine

    /**
     * Keeps a refused photo with its reason: its bytes when it had some (a hash mismatch: kept for
     * the investigation, never as evidence), else only the fact.
     */
    public void quarantine(Connection c, String deviceId, long seq, String reason, String detail, String claimedSha256, byte[] bytes,
                    Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into photo_quarantine(device_id, reading_seq, reason, detail,"
                + " claimed_sha256, actual_sha256, size, bytes, received_at_ms) values (?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, deviceId);
            s.setLong(2, seq);
            s.setString(3, reason);
            s.setString(4, detail.length() > 1000 ? detail.substring(0, 1000) : detail);
            s.setString(5, claimedSha256);
            s.setString(6, bytes == null ? null : Photos.sha256Hex(bytes));
            if (bytes == null) {
                s.setNull(7, java.sql.Types.INTEGER);
            } else {
                s.setInt(7, bytes.length);
            }
            s.setBytes(8, bytes);
            s.setLong(9, at.toEpochMilli());
            s.executeUpdate();
        }
    }

    /** The latest quarantine reason for {@code device#seq}, if its photo was refused before. */
    public Optional<String> quarantineReason(Connection c, String deviceId, long seq) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select reason from photo_quarantine where device_id = ? and reading_seq = ?"
                + " order by id desc")) {
            q.setString(1, deviceId);
            q.setLong(2, seq);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** A quarantined photo, as an investigator sees it. */
    public record Quarantined(String deviceId, long readingSeq, String reason, String detail, String claimedSha256,
                              String actualSha256, byte[] bytes, Instant receivedAt) {
    }

    /** Everything quarantined for {@code deviceId}, oldest first. */
    public List<Quarantined> quarantined(Connection c, String deviceId) throws SQLException {
        List<Quarantined> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("select device_id, reading_seq, reason, detail, claimed_sha256, actual_sha256,"
                + " bytes, received_at_ms from photo_quarantine where device_id = ? order by id")) {
            q.setString(1, deviceId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Quarantined(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getBytes(7), Instant.ofEpochMilli(rs.getLong(8))));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- files

    /** Writes {@code bytes} to a temporary file, fsyncs it, renames it into place and fsyncs the folder. */
    static void writeDurably(Path file, byte[] bytes) {
        try {
            Path dir = Files.createDirectories(file.toAbsolutePath().getParent(), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp); // a left-over from a crash keeps its old mode otherwise
            // 0600 whatever the umask: photos are health data (docs/operations.md, "Files and modes").
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // Some file systems cannot open a folder for fsync; the file itself is on disk.
            }
        } catch (IOException e) {
            throw new StoreException("cannot write the photo " + file + ": " + e.getMessage(), e);
        }
    }
}
