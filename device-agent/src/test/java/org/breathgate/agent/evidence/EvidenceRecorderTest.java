package org.breathgate.agent.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.breathgate.agent.TestClockSource;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.StoredEvent;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.VerificationKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the recorder does when the device key cannot sign (a TPM that is absent, hangs, is busy or fails), through a
 * narrow seam: an external P-256 key whose holder can be told to fail, as {@code tpm2_sign} fails. The real TPM's
 * failures (swtpm stopped mid-run, a TPM that never answers) are in {@code TpmSigningFailuresIT}.
 */
class EvidenceRecorderTest {

    private static final String DEVICE = "home-0001";
    private static final KeyId KID = new KeyId(DEVICE, 1);

    @TempDir
    Path dir;

    private final AtomicBoolean tpmAnswers = new AtomicBoolean(true);
    private final AtomicInteger tries = new AtomicInteger();
    private final TestClockSource clock = new TestClockSource(Instant.parse("2026-12-07T08:00:00Z"));

    /** A P-256 key held "outside" the program: signs with the JDK, or fails as a TPM that does not answer. */
    private SigningKey tpmLikeKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        return SigningKey.external(VerificationKey.fromPem(KID, pem), data -> {
            tries.incrementAndGet();
            if (!tpmAnswers.get()) {
                throw new IOException("tpm2_sign did not finish within 10 s and was stopped: the TPM is not answering");
            }
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(pair.getPrivate());
            s.update(data);
            return s.sign();
        });
    }

    @Test
    void an_event_the_key_cannot_sign_is_stored_unsigned_and_nothing_unsigned_is_offered_for_sending() throws Exception {
        SigningKey key = tpmLikeKey();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(key), clock, outbox);
            long signedFirst = recorder.record((seq, facts) -> new SupportRequest(DEVICE, seq, facts)).seq();
            tpmAnswers.set(false);
            StoredEvent unsigned = recorder.record(List.of((seq, facts) -> new SupportRequest(DEVICE, seq, facts)), () -> "state-2").get(0);

            assertFalse(unsigned.signed());
            assertEquals(2, unsigned.seq(), "the number is used, as for any stored event");
            assertEquals(1, outbox.awaitingSignatureCount());
            assertEquals(2, outbox.stats().depth());
            assertEquals("state-2", outbox.state().scheduleState().orElseThrow(), "stored with the schedule's state, in one transaction");
            assertEquals(List.of(signedFirst), outbox.pendingAfter(0, 10).stream().map(StoredEvent::seq).toList(),
                    "the signed event before it may go; nothing from the unsigned one on");
            assertTrue(recorder.signingFailing());
        }
    }

    @Test
    void while_the_key_fails_new_events_do_not_wait_for_it_and_it_is_tried_again_with_a_doubling_delay() throws Exception {
        SigningKey key = tpmLikeKey();
        tpmAnswers.set(false);
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(key), clock, outbox);
            recorder.record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
            recorder.record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
            assertEquals(1, tries.get(), "the second event was stored unsigned without asking the failing key again");
            assertEquals(2, outbox.awaitingSignatureCount());

            assertEquals(0, recorder.retrySigning(), "not before the first delay");
            assertEquals(1, tries.get());
            clock.advance(EvidenceRecorder.RETRY_FIRST);
            assertEquals(0, recorder.retrySigning());
            assertEquals(2, tries.get(), "tried after 5 s");
            clock.advance(EvidenceRecorder.RETRY_FIRST);
            recorder.retrySigning();
            assertEquals(2, tries.get(), "the next delay is 10 s");
            clock.advance(EvidenceRecorder.RETRY_FIRST);
            recorder.retrySigning();
            assertEquals(3, tries.get());
            for (int i = 0; i < 20; i++) {
                clock.advance(EvidenceRecorder.RETRY_MAX);
                recorder.retrySigning();
            }
            assertEquals(23, tries.get(), "the delay stops doubling at five minutes");
            assertEquals(2, outbox.awaitingSignatureCount(), "nothing lost while it fails");
        }
    }

    @Test
    void when_the_key_answers_again_the_waiting_events_are_signed_as_stored_and_a_signed_report_says_which() throws Exception {
        SigningKey key = tpmLikeKey();
        MessageVerifier verifier = new MessageVerifier(KeyResolver.of(key.verificationKey()));
        List<Long> woken = new java.util.ArrayList<>();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(key), clock, outbox,
                    () -> woken.add(outbox.stats().lastSeq()));
            tpmAnswers.set(false);
            Instant happened = clock.wall();
            recorder.record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
            clock.advance(Duration.ofMinutes(1));
            recorder.record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
            clock.advance(Duration.ofMinutes(10));
            tpmAnswers.set(true);

            assertEquals(2, recorder.retrySigning());
            assertFalse(recorder.signingFailing());
            assertEquals(0, outbox.awaitingSignatureCount());
            List<StoredEvent> out = outbox.pendingAfter(0, 10);
            assertEquals(List.of(1L, 2L, 3L), out.stream().map(StoredEvent::seq).toList(), "the two, then the report");
            SignedMessage first = verifier.verify(out.get(0).compact(), DEVICE);
            assertEquals(happened, ((SupportRequest) first.message()).clock().wall(), "signed with the moment it happened");
            verifier.verify(out.get(1).compact(), DEVICE);
            TamperEvent report = assertInstanceOf(TamperEvent.class, verifier.verify(out.get(2).compact(), DEVICE).message());
            assertEquals(TamperKind.DEVICE_INTEGRITY, report.kind());
            assertTrue(report.detail().contains("2 event(s), seq 1 to 2, were stored unsigned"), report.detail());
            assertTrue(report.detail().contains("from " + happened), report.detail());
            assertFalse(woken.isEmpty(), "the publisher is woken for the signed events");
            assertEquals(0, recorder.retrySigning(), "nothing more to do, and no second report");
            assertEquals(3, outbox.stats().depth());
        }
    }

    @Test
    void events_stored_unsigned_before_a_restart_are_signed_at_the_first_try_after_it() throws Exception {
        SigningKey key = tpmLikeKey();
        tpmAnswers.set(false);
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            new EvidenceRecorder(DEVICE, new MessageSigner(key), clock, outbox).record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
        }
        tpmAnswers.set(true);
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            assertEquals(1, outbox.awaitingSignatureCount(), "durable across the restart");
            EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(key), clock, outbox);
            assertEquals(1, recorder.record((seq, facts) -> new SupportRequest(DEVICE, seq, facts)).seq() - 1,
                    "the next number follows the unsigned one");
            assertEquals(1, recorder.retrySigning());
            assertEquals(List.of(1L, 2L, 3L), outbox.pendingAfter(0, 10).stream().map(StoredEvent::seq).toList());
            TamperEvent report = (TamperEvent) new MessageVerifier(KeyResolver.of(key.verificationKey()))
                    .verify(outbox.pendingAfter(2, 10).get(0).compact(), DEVICE).message();
            assertTrue(report.detail().contains("before the agent started"), report.detail());
        }
    }

    @Test
    void events_waiting_for_a_signature_count_as_unsent_for_the_technicians_commands() throws Exception {
        SigningKey key = tpmLikeKey();
        tpmAnswers.set(false);
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            new EvidenceRecorder(DEVICE, new MessageSigner(key), clock, outbox).record((seq, facts) -> new SupportRequest(DEVICE, seq, facts));
        }
        org.breathgate.agent.outbox.OutboxInspection seen = org.breathgate.agent.outbox.OutboxInspection.read(dir.resolve("outbox.db"))
                .orElseThrow();
        assertEquals(1, seen.depth(), "deprovision refuses while it waits, as for any unsent event");
        assertEquals(1, seen.lastSeq());
    }
}
