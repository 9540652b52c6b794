package org.breathgate.care.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditChainTest {

    static final Instant T = Instant.parse("2026-03-10T09:00:00Z");

    /** The first two entries of the worked example in docs/care-workflow.md, hashed there with Python's hashlib. */
    static final AuditRecord FIRST = new AuditRecord(Instant.parse("2026-03-10T09:00:00.123Z"), "worker-sa", "result.viewed",
            "reading", "home-0001#41", "allowed.own_organisation");
    static final AuditRecord SECOND = new AuditRecord(Instant.parse("2026-03-10T09:05:00Z"), "worker-cp1", "alert.acknowledged",
            "alert", "chain:home-0001:41", "Discussed at home visit; consent consent-1 v1");
    static final String FIRST_HASH = "c77db32a4a5ae3482b2d4d25c2d62f5b6dff308c62018f1799d62d866cd5b05b";
    static final String SECOND_HASH = "5d97de94074f208d203db514b64961636b6d622d0b6a1dc623607eff82429c48";

    static List<AuditEntry> log(int n) {
        List<AuditEntry> log = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AuditRecord r = AuditRecord.of(T.plusSeconds(i), "worker-sa", AuditAction.RESULT_VIEWED, "reading", "home-0001#" + (i + 1),
                    "allowed.own_organisation");
            log.add(AuditChain.append(log.isEmpty() ? Optional.empty() : Optional.of(log.get(log.size() - 1)), r));
        }
        return log;
    }

    static AuditEntry withDetail(AuditEntry e, String detail) {
        return new AuditEntry(e.seq(), e.at(), e.actor(), e.action(), e.subjectType(), e.subjectId(), detail, e.prevHash(), e.hash());
    }

    @Test
    void hashes_match_an_independent_implementation_of_the_documented_encoding() {
        AuditEntry first = AuditChain.append(Optional.empty(), FIRST);
        AuditEntry second = AuditChain.append(Optional.of(first), SECOND);
        assertEquals(AuditChain.GENESIS_HASH, first.prevHash());
        assertEquals(FIRST_HASH, first.hash());
        assertEquals(FIRST_HASH, second.prevHash());
        assertEquals(SECOND_HASH, second.hash());
    }

    @Test
    void an_untouched_log_is_intact_and_reports_its_head() {
        List<AuditEntry> log = log(5);
        AuditVerification v = AuditChain.verify(log);
        assertTrue(v.intact(), v.message());
        assertEquals(5, v.headSeq());
        assertEquals(log.get(4).hash(), v.headHash());
    }

    @Test
    void an_empty_log_is_intact() {
        assertTrue(AuditChain.verify(List.of()).intact());
    }

    @Test
    void a_changed_field_is_detected_at_that_entry() {
        List<AuditEntry> log = new ArrayList<>(log(5));
        log.set(2, withDetail(log.get(2), "allowed.consent"));
        AuditVerification v = AuditChain.verify(log);
        assertEquals(AuditVerification.Problem.CONTENT_CHANGED, v.problem());
        assertEquals(3, v.seq());
        assertEquals(2, v.index());
    }

    @Test
    void a_changed_and_rehashed_entry_is_detected_at_the_next_entry() {
        List<AuditEntry> log = new ArrayList<>(log(5));
        AuditEntry e = log.get(2);
        AuditEntry forged = AuditChain.append(Optional.of(log.get(1)), new AuditRecord(e.at(), "someone-else", e.action(),
                e.subjectType(), e.subjectId(), e.detail()));
        log.set(2, forged);
        AuditVerification v = AuditChain.verify(log);
        assertEquals(AuditVerification.Problem.BROKEN_LINK, v.problem());
        assertEquals(4, v.seq());
    }

    @Test
    void a_deleted_entry_is_detected() {
        List<AuditEntry> log = new ArrayList<>(log(5));
        log.remove(2);
        AuditVerification v = AuditChain.verify(log);
        assertEquals(AuditVerification.Problem.ENTRIES_MISSING, v.problem());
        assertEquals(4, v.seq());
    }

    @Test
    void reordered_entries_are_detected() {
        List<AuditEntry> log = new ArrayList<>(log(5));
        AuditEntry third = log.get(2);
        log.set(2, log.get(3));
        log.set(3, third);
        AuditVerification v = AuditChain.verify(log);
        assertEquals(AuditVerification.Problem.OUT_OF_ORDER, v.problem());
        assertEquals(2, v.index());
    }

    @Test
    void an_inserted_entry_is_detected() {
        List<AuditEntry> log = new ArrayList<>(log(5));
        AuditEntry inserted = AuditChain.append(Optional.of(log.get(1)), AuditRecord.of(T, "intruder", AuditAction.CONSENT_RECORDED,
                "consent", "consent-9", ""));
        log.add(2, inserted);
        AuditVerification v = AuditChain.verify(log);
        assertFalse(v.intact());
        assertEquals(3, v.index(), "the entry after the insertion no longer fits");
    }

    @Test
    void a_log_rewritten_from_some_entry_on_is_caught_by_an_anchor() {
        List<AuditEntry> original = log(5);
        AuditAnchor anchor = AuditAnchor.of(original.get(3));
        List<AuditEntry> rewritten = new ArrayList<>(original.subList(0, 2));
        for (int i = 2; i < 5; i++) {
            AuditEntry e = original.get(i);
            rewritten.add(AuditChain.append(Optional.of(rewritten.get(i - 1)),
                    new AuditRecord(e.at(), e.actor(), e.action(), e.subjectType(), "home-0002#" + i, e.detail())));
        }
        assertTrue(AuditChain.verify(rewritten).intact(), "a full rewrite is self-consistent: that is why anchors exist");
        AuditVerification v = AuditChain.verify(rewritten, List.of(anchor));
        assertEquals(AuditVerification.Problem.ANCHOR_MISMATCH, v.problem());
        assertEquals(4, v.seq());
    }

    @Test
    void a_log_cut_short_is_caught_by_an_anchor() {
        List<AuditEntry> log = log(5);
        AuditVerification v = AuditChain.verify(log.subList(0, 3), List.of(AuditAnchor.of(log.get(4))));
        assertEquals(AuditVerification.Problem.TRUNCATED, v.problem());
        assertEquals(5, v.seq());
    }

    @Test
    void a_page_of_the_log_verifies_after_a_trusted_entry() {
        List<AuditEntry> log = log(5);
        assertTrue(AuditChain.verifyAfter(log.get(1), log.subList(2, 5), List.of()).intact());
    }

    @Test
    void a_page_that_does_not_follow_the_trusted_entry_is_broken() {
        List<AuditEntry> log = log(5);
        AuditEntry otherSecond = AuditChain.append(Optional.of(log.get(0)), AuditRecord.of(T, "someone", AuditAction.LOGIN_FAILED,
                "account", "someone", ""));
        assertEquals(AuditVerification.Problem.BROKEN_LINK, AuditChain.verifyAfter(otherSecond, log.subList(2, 5), List.of()).problem());
    }

    @Test
    void field_boundaries_cannot_be_shifted_without_changing_the_hash() {
        AuditEntry a = AuditChain.append(Optional.empty(), new AuditRecord(T, "ab", "result.viewed", "c", "d", ""));
        AuditEntry b = AuditChain.append(Optional.empty(), new AuditRecord(T, "a", "result.viewed", "bc", "d", ""));
        assertFalse(a.hash().equals(b.hash()));
    }

    @Test
    void an_entry_with_a_malformed_hash_cannot_be_loaded() {
        AuditEntry e = log(1).get(0);
        assertThrows(IllegalArgumentException.class, () -> new AuditEntry(e.seq(), e.at(), e.actor(), e.action(), e.subjectType(),
                e.subjectId(), e.detail(), e.prevHash(), e.hash().toUpperCase()));
    }
}
