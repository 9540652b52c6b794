package org.breathgate.hardware.internal.frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 9-byte frame of Winsen ZE-style gas modules: {@code FF, b1..b7, checksum}, where the checksum
 * is the two's complement of the low byte of {@code b1 + … + b7}. Requests carry the sensor number
 * (0x01) in b1 and the command in b2; replies carry the command in b1.
 */
final class Frames {
    static final int LENGTH = 9;
    static final int START = 0xFF;
    static final int READ = 0x86;
    static final int SET_MODE = 0x78;
    static final int QUESTION_AND_ANSWER = 0x41;

    private Frames() {
    }

    static int checksum(byte[] frame) {
        int sum = 0;
        for (int i = 1; i < LENGTH - 1; i++) {
            sum += frame[i] & 0xFF;
        }
        return (~sum + 1) & 0xFF;
    }

    static boolean valid(byte[] frame) {
        return frame.length == LENGTH && (frame[0] & 0xFF) == START && checksum(frame) == (frame[LENGTH - 1] & 0xFF);
    }

    /** A request frame: FF 01 command data… checksum (data up to 5 bytes, zero-padded). */
    static byte[] request(int command, int... data) {
        if (data.length > 5) {
            throw new IllegalArgumentException("a request carries at most 5 data bytes");
        }
        byte[] f = new byte[LENGTH];
        f[0] = (byte) START;
        f[1] = 0x01;
        f[2] = (byte) command;
        for (int i = 0; i < data.length; i++) {
            f[3 + i] = (byte) data[i];
        }
        f[LENGTH - 1] = (byte) checksum(f);
        return f;
    }

    /** A reply to {@link #READ} carrying {@code counts}: FF 86 HH LL 00 00 00 00 checksum. */
    static byte[] readReply(int counts) {
        if (counts < 0 || counts > 0xFFFF) {
            throw new IllegalArgumentException("counts must fit 16 bits: " + counts);
        }
        byte[] f = new byte[LENGTH];
        f[0] = (byte) START;
        f[1] = (byte) READ;
        f[2] = (byte) (counts >> 8);
        f[3] = (byte) counts;
        f[LENGTH - 1] = (byte) checksum(f);
        return f;
    }

    /** The concentration counts of a valid {@link #READ} reply (bytes 2–3, big-endian). */
    static int counts(byte[] reply) {
        return ((reply[2] & 0xFF) << 8) | (reply[3] & 0xFF);
    }

    static int command(byte[] reply) {
        return reply[1] & 0xFF;
    }

    /**
     * Finds valid frames in a byte stream that may hold noise, partial frames and 0xFF inside data.
     * On a checksum mismatch it slides one byte and searches again, so a real frame hidden behind a
     * stray 0xFF is still found. Not thread-safe.
     */
    static final class Decoder {
        private final byte[] window = new byte[LENGTH];
        private int size;
        private long discardedBytes;
        private long badFrames;

        List<byte[]> feed(byte[] bytes, int offset, int length) {
            List<byte[]> out = new ArrayList<>();
            for (int i = offset; i < offset + length; i++) {
                window[size++] = bytes[i];
                settle(out);
            }
            return out;
        }

        private void settle(List<byte[]> out) {
            while (size > 0) {
                if ((window[0] & 0xFF) != START) {
                    shift(1);
                    discardedBytes++;
                    continue;
                }
                if (size < LENGTH) {
                    return;
                }
                byte[] frame = Arrays.copyOf(window, LENGTH);
                if (valid(frame)) {
                    out.add(frame);
                    size = 0;
                    return;
                }
                badFrames++;
                discardedBytes++;
                shift(1);
            }
        }

        private void shift(int n) {
            System.arraycopy(window, n, window, 0, size - n);
            size -= n;
        }

        void reset() {
            discardedBytes += size;
            size = 0;
        }

        long discardedBytes() {
            return discardedBytes;
        }

        long badFrames() {
            return badFrames;
        }
    }
}
