package org.breathgate.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutcomeTest {

    @Test
    void only_a_pass_or_a_fail_is_a_valid_sample() {
        assertTrue(Outcome.PASS.validSample());
        assertTrue(Outcome.FAIL.validSample());
        assertFalse(Outcome.ABORTED.validSample());
        assertFalse(Outcome.INVALID_SAMPLE.validSample());
    }
}
