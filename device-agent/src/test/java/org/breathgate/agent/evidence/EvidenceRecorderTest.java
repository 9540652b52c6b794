package org.breathgate.agent.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.OutboxException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceRecorderTest {

    @TempDir
    Path dir;

    @Test
    void a_key_that_cannot_sign_stores_nothing_and_fails_as_a_failed_write() {
        KeyId kid = new KeyId("home-0001", 1);
        SigningKey silentTpm = SigningKey.external(SigningKey.generateP256(kid, new SecureRandom()).verificationKey(), data -> {
            throw new IOException("tpm2_sign did not finish within 60 s");
        });
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), "home-0001", 1_000_000)) {
            EvidenceRecorder recorder = new EvidenceRecorder("home-0001", new MessageSigner(silentTpm),
                    new SystemClockSource(Clock.systemUTC(), () -> true), outbox);
            OutboxException e = assertThrows(OutboxException.class,
                    () -> recorder.record(List.of((seq, facts) -> new SupportRequest("home-0001", seq, facts)), () -> "state"));
            assertInstanceOf(EvidenceRecorder.UnsignedEventException.class, e);
            assertTrue(e.getMessage().contains("nothing was stored"), e.getMessage());
            assertEquals(0, outbox.stats().depth(), "nothing half-written");
        }
    }
}
