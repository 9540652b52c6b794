package org.breathgate.agent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.protocol.Ack;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.Topics;
import org.breathgate.testkit.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownlinkHandlerTest {

    private static final String DEVICE = "home-down-1";
    private static final String REPLY_TOPIC = Topics.ROOT + "/" + DEVICE + "/down/support_reply";

    @TempDir
    Path dir;

    private final List<String> told = new ArrayList<>();
    private final DownlinkListener listener = new DownlinkListener() {
        @Override
        public void configReceived(ConfigUpdate config, SignedMessage signed) {
            told.add("config");
        }

        @Override
        public void configRejected(String detail) {
            told.add("config rejected");
        }

        @Override
        public void supportReplyReceived(SupportReply reply) {
            told.add("reply " + reply.requests().get(0).seq());
        }

        @Override
        public void quarantined(long seq) {
            told.add("quarantined " + seq);
        }
    };

    private DownlinkHandler handler(Outbox outbox) {
        return new DownlinkHandler(DEVICE, outbox, new MessageVerifier(KeyResolver.of(TestKeys.receiver().verificationKey())), listener, null);
    }

    private static SupportReply reply(String device) {
        return new SupportReply(device, Instant.parse("2026-11-25T08:10:00Z"),
                List.of(SupportReply.Entry.seen(1, SupportReply.Role.WORKER, null, null)));
    }

    @Test
    void a_genuine_support_reply_goes_to_the_listener_and_a_forged_one_or_another_devices_does_not() {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            DownlinkHandler h = handler(outbox);
            h.handle(REPLY_TOPIC, new MessageSigner(TestKeys.device(DEVICE)).sign(new SupportRequest(DEVICE, 1,
                    new SystemClockSource(Clock.systemUTC(), () -> true).facts())).bytes(), seq -> { });
            h.handle(REPLY_TOPIC, new MessageSigner(TestKeys.receiver(2)).sign(reply(DEVICE)).bytes(), seq -> { }); // unknown key
            h.handle(REPLY_TOPIC, new MessageSigner(TestKeys.receiver()).sign(reply("home-other")).bytes(), seq -> { });
            assertEquals(List.of(), told, "nothing forged, misdirected or device-signed is believed");
            h.handle(REPLY_TOPIC, new MessageSigner(TestKeys.receiver()).sign(reply(DEVICE)).bytes(), seq -> { });
            assertEquals(List.of("reply 1"), told);
        }
    }

    @Test
    void a_downlink_type_this_version_does_not_know_is_ignored_as_an_older_device_ignores_support_replies() {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            handler(outbox).handle(Topics.ROOT + "/" + DEVICE + "/down/selfie", "eyJhbGciOiJFZERTQSJ9.e30.AAAA".getBytes(StandardCharsets.US_ASCII),
                    seq -> { });
            assertEquals(List.of(), told);
        }
    }

    @Test
    void an_event_the_receiver_quarantines_is_told_to_the_listener_once() {
        try (Outbox outbox = Outbox.open(dir.resolve("outbox.db"), DEVICE, 1_000_000)) {
            EvidenceRecorder recorder = new EvidenceRecorder(DEVICE, new MessageSigner(TestKeys.device(DEVICE)),
                    new SystemClockSource(Clock.systemUTC(), () -> true), outbox);
            long seq = recorder.record((s, facts) -> new SupportRequest(DEVICE, s, facts, SupportNeed.CALL_ME, true)).seq();
            byte[] ack = new MessageSigner(TestKeys.receiver()).sign(new Ack(DEVICE, Instant.now(),
                    List.of(new Ack.Entry(seq, Ack.Result.QUARANTINED, "invalid_field")))).bytes();
            DownlinkHandler h = handler(outbox);
            h.handle(Topics.ROOT + "/" + DEVICE + "/down/ack", ack, s -> { });
            h.handle(Topics.ROOT + "/" + DEVICE + "/down/ack", ack, s -> { }); // the same ack again
            assertEquals(List.of("quarantined " + seq), told);
            assertEquals("invalid_field", outbox.support().find(seq).orElseThrow().refused());
        }
    }
}
