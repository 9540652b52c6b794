package org.breathgate.hardware.internal.serial;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Framing of the line protocol: {@code $<body>*<XX>\r\n}, where XX is the XOR of the body's bytes
 * in two upper-case hex digits (the NMEA 0183 checksum).
 */
public final class LineCodec {

    private LineCodec() {
    }

    public static int checksum(String body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            sum ^= body.charAt(i) & 0xFF;
        }
        return sum;
    }

    public static byte[] encode(LineMessage message) {
        Objects.requireNonNull(message, "message");
        String body = message.body();
        return String.format("$%s*%02X\r\n", body, checksum(body)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A streaming decoder: feed it whatever bytes arrive, in any pieces; it returns the complete,
     * valid lines and counts what it had to throw away. Not thread-safe; one per reader.
     */
    public static final class Decoder {
        private static final int MAX_LINE = LineMessage.MAX_BODY + 4;
        private final StringBuilder line = new StringBuilder(MAX_LINE);
        private boolean inLine;
        private long discardedBytes;
        private long badChecksums;
        private long malformedLines;

        public List<LineMessage> feed(byte[] bytes, int offset, int length) {
            List<LineMessage> out = new ArrayList<>();
            for (int i = offset; i < offset + length; i++) {
                int b = bytes[i] & 0xFF;
                if (b == '$') {
                    if (inLine) {
                        discardedBytes += line.length() + 1;
                        malformedLines++;
                    }
                    line.setLength(0);
                    inLine = true;
                } else if (!inLine) {
                    if (b != '\r' && b != '\n') {
                        discardedBytes++;
                    }
                } else if (b == '\n') {
                    inLine = false;
                    parse(out);
                } else if (b == '\r') {
                    // Tolerated before '\n' only; parse() rejects it anywhere else.
                    line.append('\r');
                } else if (b < 0x20 || b > 0x7E || line.length() >= MAX_LINE) {
                    discardedBytes += line.length() + 2;
                    malformedLines++;
                    inLine = false;
                } else {
                    line.append((char) b);
                }
            }
            return out;
        }

        private void parse(List<LineMessage> out) {
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
                end--;
            }
            int star = line.indexOf("*");
            int cr = line.indexOf("\r");
            if (star < 1 || star != end - 3 || cr >= 0 && cr < end) {
                reject();
                return;
            }
            String body = line.substring(0, star);
            int sent;
            try {
                sent = Integer.parseInt(line.substring(star + 1, end), 16);
            } catch (NumberFormatException e) {
                reject();
                return;
            }
            if (sent != checksum(body)) {
                badChecksums++;
                discardedBytes += line.length() + 2;
                return;
            }
            try {
                out.add(new LineMessage(List.of(body.split(",", -1))));
            } catch (IllegalArgumentException e) {
                reject();
            }
        }

        private void reject() {
            malformedLines++;
            discardedBytes += line.length() + 2;
        }

        /** Bytes thrown away: noise between lines, partial, malformed or corrupted lines. */
        public long discardedBytes() {
            return discardedBytes;
        }

        /** Well-framed lines whose checksum did not match. */
        public long badChecksums() {
            return badChecksums;
        }

        /** Lines cut short, overlong, with bad characters or without a checksum. */
        public long malformedLines() {
            return malformedLines;
        }

        /** Lines rejected for any reason. */
        public long rejectedLines() {
            return badChecksums + malformedLines;
        }
    }
}
