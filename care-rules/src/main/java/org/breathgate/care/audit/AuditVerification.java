package org.breathgate.care.audit;

import java.util.Objects;

/**
 * The result of {@link AuditChain#verify}: intact, or the first entry where the chain breaks.
 *
 * @param problem  what is wrong, or {@code null} when intact
 * @param index    position in the checked list (from 0) of the first broken entry, or -1 when intact
 *                 (or when the problem is the log's end, e.g. truncation)
 * @param seq      that entry's seq, or the anchored seq for anchor problems; 0 when intact
 * @param message  what was found, for the person running the check
 * @param checked  how many entries were checked
 * @param headSeq  seq of the last entry checked (0 for an empty log)
 * @param headHash hash of the last entry checked: anchor it elsewhere to protect the log from here on
 */
public record AuditVerification(Problem problem, int index, long seq, String message, int checked, long headSeq,
                                String headHash) {

    /** How an audit log can be found broken. */
    public enum Problem {
        /** A field was changed: the entry's hash does not match its content. */
        CONTENT_CHANGED,
        /** The entry's prevHash is not the previous entry's hash: the previous entry was changed (and re-hashed), or entries were inserted. */
        BROKEN_LINK,
        /** Sequence numbers jump: entries were deleted. */
        ENTRIES_MISSING,
        /** An entry appears out of its place: entries were reordered, duplicated or inserted. */
        OUT_OF_ORDER,
        /** An entry's hash differs from the copy kept elsewhere: the log was rewritten. */
        ANCHOR_MISMATCH,
        /** The log ends before an anchored entry: entries were cut off its end. */
        TRUNCATED
    }

    public AuditVerification {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(headHash, "headHash");
    }

    public boolean intact() {
        return problem == null;
    }
}
