package org.breathgate.testkit;

import org.breathgate.protocol.EvidenceEvent;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.Message;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleMessagesTest {

    private final SampleMessages home = SampleMessages.of("home-0001");

    @Test
    void every_sample_signs_and_verifies_back_to_itself() throws InvalidMessageException {
        MessageVerifier verifier = new MessageVerifier(TestKeys.resolver("home-0001"));
        List<Message> samples = List.of(home.soberReading(1), home.positiveReading(2), home.soberRetest(3, 2),
                home.abortedReading(4), home.missedTest(5), home.tamper(6), home.supportRequest(7), home.status(7));
        for (Message sample : samples) {
            byte[] wire = home.sign(sample).bytes();
            assertEquals(sample, verifier.verify(wire, "home-0001").message(), sample.type().wireName());
        }
    }

    @Test
    void samples_carry_the_requested_sequence_number_and_time() {
        Instant later = SampleMessages.T0.plusSeconds(600);
        EvidenceEvent event = home.at(later).supportRequest(42);
        assertEquals(42, event.seq());
        assertEquals(later, event.clock().wall());
    }

    @Test
    void the_positive_sample_is_a_fail_and_the_sober_one_a_pass() {
        Reading positive = home.positiveReading(1);
        assertTrue(positive.positive());
        assertEquals(Outcome.PASS, home.soberReading(2).outcome());
    }
}
