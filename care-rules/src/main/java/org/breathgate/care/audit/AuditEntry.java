package org.breathgate.care.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One sealed entry of the append-only audit log. {@code hash} is SHA-256 over the canonical encoding
 * of every other field (see {@link AuditChain}), and {@code prevHash} is the previous entry's hash,
 * so changing, removing, inserting or reordering entries breaks the chain.
 *
 * <p>The record only checks the fields' form; whether the hash is right is for {@link AuditChain#verify}.
 *
 * @param seq      position in the log, from 1, without gaps
 * @param prevHash the previous entry's hash (64 lower-case hex digits), or 64 zeros for the first
 * @param hash     this entry's hash, 64 lower-case hex digits
 */
public record AuditEntry(long seq, Instant at, String actor, String action, String subjectType, String subjectId, String detail,
                         String prevHash, String hash) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public AuditEntry {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be 1 or more, was " + seq);
        }
        // The record's own checks, so a stored entry with a malformed field cannot even be loaded.
        AuditRecord content = new AuditRecord(at, actor, action, subjectType, subjectId, detail);
        if (!content.at().equals(at)) {
            throw new IllegalArgumentException("at must be kept to the millisecond, was " + at);
        }
        checkHex("prevHash", prevHash);
        checkHex("hash", hash);
    }

    /** The content, without seq and hashes. */
    public AuditRecord content() {
        return new AuditRecord(at, actor, action, subjectType, subjectId, detail);
    }

    private static void checkHex(String field, String value) {
        Objects.requireNonNull(value, field);
        if (!HEX64.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 64 lower-case hex digits, was '" + value + "'");
        }
    }
}
