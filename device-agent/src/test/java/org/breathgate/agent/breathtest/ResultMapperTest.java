package org.breathgate.agent.breathtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.TamperKind;
import org.junit.jupiter.api.Test;

class ResultMapperTest {

    private final SensorInfo sensor = new SensorInfo("Fake", "S-1", Optional.empty(), Optional.of(LocalDate.of(2026, 9, 1)));
    private final ResultMapper mapper = new ResultMapper(new BreathAlcohol(50), 4000);

    private TestEvent.Result measured(Measurement m) {
        return new TestEvent.Result(new BreathResult(m, Optional.of(Duration.ofMillis(4200)), Optional.of(new BigDecimal("34.2")),
                Instant.EPOCH, sensor));
    }

    @Test
    void a_value_under_the_threshold_is_a_pass_with_the_exact_value() {
        TestEnding e = mapper.map(measured(new Measurement.Exact(49)), sensor);
        assertEquals(Outcome.PASS, e.outcome());
        assertEquals(new BreathAlcohol(49), e.value());
        assertEquals(4200, e.blowMs());
        assertEquals(342, e.temperatureDeciC());
        assertEquals(LocalDate.of(2026, 9, 1), e.sensor().calibrationDue());
    }

    @Test
    void a_value_at_the_threshold_is_a_positive() {
        assertEquals(Outcome.FAIL, mapper.map(measured(new Measurement.Exact(50)), sensor).outcome());
    }

    @Test
    void an_implausible_value_is_kept_as_an_invalid_sample_with_a_tamper_signal() {
        TestEnding e = mapper.map(measured(new Measurement.Exact(4500)), sensor);
        assertEquals(Outcome.INVALID_SAMPLE, e.outcome());
        assertEquals(new BreathAlcohol(4500), e.value());
        assertEquals(TamperKind.IMPLAUSIBLE_RESULT, e.tampers().get(0).kind());
    }

    @Test
    void an_interlock_fail_is_a_positive_without_an_invented_number() {
        TestEnding e = mapper.map(measured(new Measurement.InterlockFail()), sensor);
        assertEquals(Outcome.FAIL, e.outcome());
        assertNull(e.value());
    }

    @Test
    void a_too_short_blow_is_aborted_with_its_reason_and_asks_to_try_again() {
        TestEnding e = mapper.map(new TestEvent.BlowAborted(BlowAbortReason.TOO_SHORT), sensor);
        assertEquals(AbortReason.BLOW_TOO_SHORT, e.abortReason());
        assertEquals(Prompt.ABORT_TOO_SHORT, e.retryPrompt());
    }

    @Test
    void a_sensor_fault_becomes_an_aborted_reading_and_a_sensor_fault_event() {
        TestEnding e = mapper.map(new TestEvent.Error(new SensorFaultException("SENSOR_FAULT", "cell out of range")), sensor);
        assertEquals(AbortReason.SENSOR_FAULT, e.abortReason());
        assertEquals(List.of(TamperKind.SENSOR_FAULT), e.tampers().stream().map(TestEnding.Tamper::kind).toList());
    }

    @Test
    void a_disconnect_mid_test_becomes_a_sensor_disconnected_event() {
        TestEnding e = mapper.map(new TestEvent.Error(new DeviceDisconnectedException("/dev/ttyUSB0 vanished")), sensor);
        assertEquals(TamperKind.SENSOR_DISCONNECTED, e.tampers().get(0).kind());
        assertTrue(e.tampers().get(0).detail().contains("/dev/ttyUSB0"));
    }
}
