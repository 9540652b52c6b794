package org.breathgate.receiver.evidence.photo;

import java.util.Random;

/** Photo bytes for tests: the shape of a JPEG (its start and end markers) around random content. */
public final class TestPhotos {

    private TestPhotos() {
    }

    /** {@code size} bytes that begin and end like a JPEG, the same for the same {@code seed}. */
    public static byte[] jpeg(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xD8;
        bytes[2] = (byte) 0xFF;
        bytes[size - 2] = (byte) 0xFF;
        bytes[size - 1] = (byte) 0xD9;
        return bytes;
    }
}
