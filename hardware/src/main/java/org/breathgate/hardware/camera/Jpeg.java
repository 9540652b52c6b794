package org.breathgate.hardware.camera;

/** The least a JPEG file must be: start-of-image marker first, end-of-image marker last. */
final class Jpeg {
    private Jpeg() {
    }

    static boolean isComplete(byte[] bytes) {
        int n = bytes.length;
        return n >= 4 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8 && (bytes[2] & 0xff) == 0xFF
                && (bytes[n - 2] & 0xff) == 0xFF && (bytes[n - 1] & 0xff) == 0xD9;
    }
}
