package org.breathgate.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One piece of a reading's photo. A photo (up to {@value #MAX_PHOTO_BYTES} bytes) does not fit the
 * 16 KiB message limit, so it travels in chunks of {@value #CHUNK_BYTES} bytes, each a signed
 * message on {@code up/photo}. Chunks are not evidence on their own: the evidence is the photo's
 * SHA-256 inside the signed {@link Reading}; the receiver stores the reassembled photo only when its
 * bytes match it. Chunks are signed anyway, like every message, so that nothing unauthenticated is
 * buffered by the receiver. Every chunk repeats the photo's hash, size and media type, so a receiver
 * can reassemble chunks that arrive in any order, twice, or after a restart of either side.
 *
 * @param deviceId   the device
 * @param clock      clock facts when the chunk was sent (not when the photo was taken)
 * @param readingSeq the {@code seq} of the reading whose photo this is
 * @param sha256     the photo's SHA-256 as the reading states it
 * @param size       the photo's size in bytes
 * @param mediaType  {@value ReadingPhoto#JPEG}
 * @param index      this chunk's index, 0 to {@code count - 1}
 * @param count      how many chunks the photo has: {@code ceil(size / CHUNK_BYTES)}
 * @param data       this chunk's bytes: {@value #CHUNK_BYTES} bytes, the last chunk the rest
 */
public record PhotoChunk(String deviceId, ClockFacts clock, long readingSeq, String sha256, int size, String mediaType,
                         int index, int count, byte[] data) implements DeviceMessage {

    /** Largest photo the protocol carries: 512 KiB (1280×960 at JPEG quality 75 is typically 100–250 KiB). */
    public static final int MAX_PHOTO_BYTES = 512 * 1024;

    /**
     * Bytes per chunk: 8 KiB. Base64 in the JSON (×4/3) and base64url again in the JWS (×4/3) make
     * a chunk message about 15 KiB, under {@link MessageVerifier#MAX_COMPACT_BYTES}.
     */
    public static final int CHUNK_BYTES = 8 * 1024;

    /** Most chunks a photo has: {@value #MAX_PHOTO_BYTES} / {@value #CHUNK_BYTES}. */
    public static final int MAX_CHUNKS = MAX_PHOTO_BYTES / CHUNK_BYTES;

    public PhotoChunk {
        DeviceIds.check(deviceId);
        Objects.requireNonNull(clock, "clock");
        EvidenceEvent.checkSeq(readingSeq);
        new ReadingPhoto.Taken(sha256, size, mediaType); // the same rules as in the reading
        Objects.requireNonNull(data, "data");
        if (count != chunkCount(size)) {
            throw new IllegalArgumentException("a photo of " + size + " bytes has " + chunkCount(size) + " chunks, not " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("chunk index must be 0-" + (count - 1) + ", was " + index);
        }
        int expected = index < count - 1 ? CHUNK_BYTES : size - CHUNK_BYTES * (count - 1);
        if (data.length != expected) {
            throw new IllegalArgumentException("chunk " + index + " of a " + size + "-byte photo has " + expected
                    + " bytes, not " + data.length);
        }
        data = data.clone();
    }

    /** How many chunks a photo of {@code size} bytes has. */
    public static int chunkCount(int size) {
        return (size + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    /** The chunk's bytes (a copy). */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Whether this is the photo's last chunk (the one that asks the receiver where the transfer stands). */
    public boolean last() {
        return index == count - 1;
    }

    @Override
    public MessageType type() {
        return MessageType.PHOTO;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhotoChunk c && deviceId.equals(c.deviceId) && clock.equals(c.clock) && readingSeq == c.readingSeq
                && sha256.equals(c.sha256) && size == c.size && mediaType.equals(c.mediaType) && index == c.index
                && count == c.count && Arrays.equals(data, c.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, readingSeq, sha256, index);
    }

    @Override
    public String toString() {
        return "PhotoChunk[" + deviceId + "#" + readingSeq + " " + (index + 1) + "/" + count + ", " + data.length + " bytes]";
    }
}
