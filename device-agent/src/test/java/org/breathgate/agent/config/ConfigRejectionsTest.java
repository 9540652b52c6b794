package org.breathgate.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.breathgate.agent.TestClockSource;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.StoredEvent;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.StoredJws;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Junk on the config topic cannot make the device sign a flood of tamper events (issue 16). */
class ConfigRejectionsTest {

    @TempDir
    Path dir;

    @Test
    void a_flood_of_rejected_configurations_becomes_one_tamper_event_an_hour_that_counts_the_rest() throws Exception {
        TestClockSource clock = new TestClockSource(Instant.parse("2026-11-25T06:00:00Z"));
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), "home-0001", 10_000_000)) {
            EvidenceRecorder recorder = new EvidenceRecorder("home-0001", new MessageSigner(TestKeys.device("home-0001")), clock, outbox);
            ConfigUpdates updates = new ConfigUpdates("home-0001", new MessageVerifier(KeyResolver.of(TestKeys.receiver().verificationKey())),
                    outbox.state(), dir.resolve("enrolled-config.jws"), recorder, u -> { }, clock::monotonicMs);
            AtomicLong recorded = new AtomicLong();
            for (int i = 0; i < 1_000; i++) {
                if (updates.rejected("bad_signature: junk " + i)) {
                    recorded.incrementAndGet();
                }
                clock.advance(Duration.ofSeconds(1));
            }
            assertEquals(1, recorded.get(), "one in the first 1000 seconds");
            assertEquals(1, outbox.stats().depth());

            clock.advance(Duration.ofHours(1));
            assertTrue(updates.rejected("bad_signature: one more"));
            assertFalse(updates.rejected("bad_signature: and another"));
            List<StoredEvent> events = outbox.pendingAfter(0, 10);
            assertEquals(2, events.size());
            TamperEvent second = (TamperEvent) StoredJws.read(events.get(1).compact()).message();
            assertEquals(TamperKind.CONFIG_REJECTED, second.kind());
            assertTrue(second.detail().endsWith("(and 999 more rejected since the previous such event)"), second.detail());
        }
    }
}
