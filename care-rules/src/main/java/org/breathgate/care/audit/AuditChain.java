package org.breathgate.care.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seals records into the hash-chained audit log and verifies a log.
 *
 * <p>Each entry's {@code hash} is the lower-case hex SHA-256 of nine length-prefixed UTF-8 fields:
 * {@code "breathgate-audit-v1"}, seq (decimal), at ({@code yyyy-MM-ddTHH:mm:ss.SSSZ}, UTC), actor,
 * action, subjectType, subjectId, detail, prevHash; each field is preceded by its byte length as a
 * 4-byte big-endian integer. The first entry's prevHash is 64 zeros. An auditor can recompute this
 * with any SHA-256 tool (see {@code docs/care-workflow.md}).
 */
public final class AuditChain {

    /** The prevHash of the first entry. */
    public static final String GENESIS_HASH = Canonical.GENESIS;

    private AuditChain() {
    }

    /** Seals {@code record} as the entry after {@code last} (or as the first entry when there is none). */
    public static AuditEntry append(Optional<AuditEntry> last, AuditRecord record) {
        long seq = last.map(e -> e.seq() + 1).orElse(1L);
        String prev = last.map(AuditEntry::hash).orElse(GENESIS_HASH);
        return new AuditEntry(seq, record.at(), record.actor(), record.action(), record.subjectType(), record.subjectId(),
                record.detail(), prev, Canonical.hash(seq, record, prev));
    }

    /** Verifies a whole log, from its first entry. */
    public static AuditVerification verify(List<AuditEntry> log) {
        return verify(log, List.of());
    }

    /** Verifies a whole log, from its first entry, and against hashes kept elsewhere. */
    public static AuditVerification verify(List<AuditEntry> log, List<AuditAnchor> anchors) {
        return verify(log, 1, GENESIS_HASH, anchors);
    }

    /**
     * Verifies part of a log that continues after {@code trustedPrevious} (e.g. one page of a long log,
     * or the entries since the last anchor).
     */
    public static AuditVerification verifyAfter(AuditEntry trustedPrevious, List<AuditEntry> entries, List<AuditAnchor> anchors) {
        return verify(entries, trustedPrevious.seq() + 1, trustedPrevious.hash(), anchors);
    }

    private static AuditVerification verify(List<AuditEntry> entries, long firstSeq, String firstPrev, List<AuditAnchor> anchors) {
        Map<Long, String> anchored = new HashMap<>();
        anchors.forEach(a -> anchored.put(a.seq(), a.hash()));
        long expectedSeq = firstSeq;
        String expectedPrev = firstPrev;
        for (int i = 0; i < entries.size(); i++) {
            AuditEntry e = entries.get(i);
            if (e.seq() != expectedSeq) {
                return seqProblem(entries, i, expectedSeq);
            }
            if (!Canonical.hash(e.seq(), e.content(), e.prevHash()).equals(e.hash())) {
                return broken(AuditVerification.Problem.CONTENT_CHANGED, entries, i,
                        "entry " + e.seq() + " does not match its hash: a field was changed after it was written");
            }
            if (!e.prevHash().equals(expectedPrev)) {
                return broken(AuditVerification.Problem.BROKEN_LINK, entries, i, "entry " + e.seq()
                        + " does not follow the entry before it: that entry was changed and re-hashed, or an entry was inserted");
            }
            String anchor = anchored.get(e.seq());
            if (anchor != null && !anchor.equals(e.hash())) {
                return broken(AuditVerification.Problem.ANCHOR_MISMATCH, entries, i, "entry " + e.seq()
                        + " differs from the hash kept elsewhere: the log was rewritten from this entry or before");
            }
            expectedSeq++;
            expectedPrev = e.hash();
        }
        long headSeq = expectedSeq - 1;
        for (AuditAnchor a : anchors) {
            if (a.seq() > headSeq) {
                return new AuditVerification(AuditVerification.Problem.TRUNCATED, -1, a.seq(), "the log ends at entry " + headSeq
                        + " but entry " + a.seq() + " was anchored: entries were cut off its end", entries.size(), headSeq, expectedPrev);
            }
        }
        return new AuditVerification(null, -1, 0, "intact: " + entries.size() + " entries, head " + headSeq, entries.size(),
                headSeq, expectedPrev);
    }

    private static AuditVerification seqProblem(List<AuditEntry> entries, int i, long expectedSeq) {
        AuditEntry e = entries.get(i);
        boolean expectedComesLater = entries.subList(i + 1, entries.size()).stream().anyMatch(x -> x.seq() == expectedSeq);
        if (e.seq() > expectedSeq && !expectedComesLater) {
            return broken(AuditVerification.Problem.ENTRIES_MISSING, entries, i, "entry " + expectedSeq
                    + (e.seq() - expectedSeq > 1 ? " to " + (e.seq() - 1) : "") + " missing before entry " + e.seq()
                    + ": entries were deleted");
        }
        return broken(AuditVerification.Problem.OUT_OF_ORDER, entries, i, "entry " + e.seq() + " found where entry " + expectedSeq
                + " belongs: entries were reordered, duplicated or inserted");
    }

    private static AuditVerification broken(AuditVerification.Problem problem, List<AuditEntry> entries, int i, String message) {
        AuditEntry last = i > 0 ? entries.get(i - 1) : null;
        return new AuditVerification(problem, i, entries.get(i).seq(), message, i,
                last == null ? 0 : last.seq(), last == null ? GENESIS_HASH : last.hash());
    }
}
