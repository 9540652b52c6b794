package org.breathgate.protocol.photo;

import org.breathgate.protocol.ClockFacts;
import org.breathgate.protocol.PhotoChunk;
import org.breathgate.protocol.ReadingPhoto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Photo helpers both ends share: the hash a reading signs, splitting a photo into
 * {@link PhotoChunk}s, and checking reassembled bytes against the signed statement.
 */
public final class Photos {

    private Photos() {
    }

    /** Lower-case hex SHA-256 of {@code bytes}: what {@link ReadingPhoto.Taken#sha256()} holds. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The statement a reading signs for a JPEG photo of exactly these bytes. */
    public static ReadingPhoto.Taken statementOf(byte[] jpeg) {
        return new ReadingPhoto.Taken(sha256Hex(jpeg), jpeg.length, ReadingPhoto.JPEG);
    }

    /** Chunk {@code index} of {@code photo}, the photo of reading {@code readingSeq}. */
    public static PhotoChunk chunk(String deviceId, ClockFacts clock, long readingSeq, byte[] photo, int index) {
        ReadingPhoto.Taken statement = statementOf(photo);
        int from = index * PhotoChunk.CHUNK_BYTES;
        if (index < 0 || index >= statement.chunks()) {
            throw new IllegalArgumentException("chunk index must be 0-" + (statement.chunks() - 1) + ", was " + index);
        }
        byte[] data = Arrays.copyOfRange(photo, from, Math.min(photo.length, from + PhotoChunk.CHUNK_BYTES));
        return new PhotoChunk(deviceId, clock, readingSeq, statement.sha256(), statement.size(), statement.mediaType(), index,
                statement.chunks(), data);
    }

    /** Every chunk of {@code photo}, in order. */
    public static List<PhotoChunk> split(String deviceId, ClockFacts clock, long readingSeq, byte[] photo) {
        int count = PhotoChunk.chunkCount(photo.length);
        List<PhotoChunk> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(chunk(deviceId, clock, readingSeq, photo, i));
        }
        return out;
    }

    /** Whether {@code bytes} are exactly the photo {@code statement} describes (size and SHA-256). */
    public static boolean matches(ReadingPhoto.Taken statement, byte[] bytes) {
        Objects.requireNonNull(statement, "statement");
        return bytes.length == statement.size() && MessageDigest.isEqual(
                sha256Hex(bytes).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                statement.sha256().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
