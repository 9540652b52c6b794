package org.breathgate.care.audit;

import java.util.Objects;

/**
 * A copy of one entry's hash kept outside the log (printed, e-mailed to an auditor, stored elsewhere).
 * A hash chain alone cannot show that someone with write access rewrote the whole log from some
 * point and recomputed every hash, nor that entries were cut off its end; a hash kept elsewhere can.
 *
 * @param seq  the entry
 * @param hash its hash at the time the anchor was taken
 */
public record AuditAnchor(long seq, String hash) {

    public AuditAnchor {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be 1 or more, was " + seq);
        }
        Objects.requireNonNull(hash, "hash");
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("hash must be 64 lower-case hex digits, was '" + hash + "'");
        }
    }

    /** The anchor for {@code entry}. */
    public static AuditAnchor of(AuditEntry entry) {
        return new AuditAnchor(entry.seq(), entry.hash());
    }
}
