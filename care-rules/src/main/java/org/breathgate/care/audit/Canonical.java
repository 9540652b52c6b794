package org.breathgate.care.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The canonical encoding an entry's hash is computed over (format {@value #VERSION}): nine fields, each
 * written as its UTF-8 length in 4 bytes big-endian followed by its UTF-8 bytes, in this order:
 * the text {@value #VERSION}, seq in decimal, at as {@code yyyy-MM-ddTHH:mm:ss.SSSZ}, actor, action,
 * subjectType, subjectId, detail, prevHash. Length prefixes make it unambiguous: no field's content
 * can pass for a field boundary.
 */
final class Canonical {

    static final String VERSION = "breathgate-audit-v1";
    static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Canonical() {
    }

    static String hash(long seq, AuditRecord r, String prevHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String field : new String[] {VERSION, Long.toString(seq), at(r.at()), r.actor(), r.action(), r.subjectType(),
                r.subjectId(), r.detail(), prevHash}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >>> 24);
            out.write(bytes.length >>> 16);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return HexFormat.of().formatHex(sha256().digest(out.toByteArray()));
    }

    static String at(Instant at) {
        return AT.format(at);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
