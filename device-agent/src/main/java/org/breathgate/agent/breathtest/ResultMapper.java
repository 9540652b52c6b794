package org.breathgate.agent.breathtest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.ProtocolException;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.protocol.AbortReason;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.SensorFacts;
import org.breathgate.protocol.TamperKind;

/**
 * Turns a driver's test ending into evidence fields. Never invents a value: a number appears only
 * when the sensor measured one; what cannot be believed is kept as an invalid sample with a tamper
 * signal, not altered or dropped.
 */
final class ResultMapper {

    private final BreathAlcohol threshold;
    private final int implausibleAbove;

    /**
     * @param threshold        at or above it a result is a positive
     * @param implausibleAbove values above it (µg/L) are recorded as invalid samples
     */
    ResultMapper(BreathAlcohol threshold, int implausibleAbove) {
        this.threshold = threshold;
        this.implausibleAbove = implausibleAbove;
    }

    /** The protocol's view of the driver's sensor identity. */
    private static SensorFacts facts(SensorInfo info) {
        return new SensorFacts(info.model(), info.serialNumber(), info.calibrationDue().orElse(null));
    }

    /** Maps a terminal event from a sensor identified by {@code sensor}. */
    TestEnding map(TestEvent.Terminal end, SensorInfo sensor) {
        SensorFacts facts = facts(sensor);
        if (end instanceof TestEvent.Result r) {
            return result(r.result(), facts);
        }
        if (end instanceof TestEvent.BlowAborted a) {
            return aborted(a.reason(), facts);
        }
        return error(((TestEvent.Error) end).cause(), facts);
    }

    private TestEnding result(BreathResult r, SensorFacts facts) {
        Integer blowMs = r.blowDuration().map(d -> (int) Math.min(600_000, d.toMillis())).orElse(null);
        Integer temp = r.sensorTemperatureCelsius()
                .map(t -> t.multiply(BigDecimal.TEN).setScale(0, RoundingMode.HALF_UP).intValueExact()).orElse(null);
        List<TestEnding.Tamper> tampers = new ArrayList<>();
        Measurement measured = r.measurement();
        if (measured instanceof Measurement.Exact m) {
            BreathAlcohol value = new BreathAlcohol(m.microgramsPerLitre());
            if (m.microgramsPerLitre() > implausibleAbove) {
                tampers.add(new TestEnding.Tamper(TamperKind.IMPLAUSIBLE_RESULT,
                        "sensor reported " + value + ", above the plausible limit of " + implausibleAbove + " µg/L"));
                return new TestEnding(Outcome.INVALID_SAMPLE, value, threshold, null, blowMs, temp, facts, tampers,
                        Prompt.ABORT_SENSOR_FAULT);
            }
            Outcome outcome = value.atOrAbove(threshold) ? Outcome.FAIL : Outcome.PASS;
            return new TestEnding(outcome, value, threshold, null, blowMs, temp, facts, tampers, null);
        }
        if (measured instanceof Measurement.OverRange over) {
            // The true value is at least full scale; record the bound only when it is itself a positive.
            BreathAlcohol atLeast = new BreathAlcohol(over.atLeastMicrogramsPerLitre());
            return new TestEnding(Outcome.FAIL, atLeast.atOrAbove(threshold) ? atLeast : null, threshold, null, blowMs, temp, facts,
                    tampers, null);
        }
        if (measured instanceof Measurement.InterlockFail) {
            return new TestEnding(Outcome.FAIL, null, threshold, null, blowMs, temp, facts, tampers, null);
        }
        return new TestEnding(Outcome.PASS, null, threshold, null, blowMs, temp, facts, tampers, null);
    }

    private TestEnding aborted(BlowAbortReason reason, SensorFacts facts) {
        AbortReason wire;
        Prompt prompt;
        switch (reason) {
            case TOO_SHORT -> {
                wire = AbortReason.BLOW_TOO_SHORT;
                prompt = Prompt.ABORT_TOO_SHORT;
            }
            case TOO_WEAK -> {
                wire = AbortReason.BLOW_TOO_WEAK;
                prompt = Prompt.ABORT_TOO_WEAK;
            }
            case INTERRUPTED -> {
                wire = AbortReason.INTERRUPTED;
                prompt = Prompt.ABORT_INTERRUPTED;
            }
            case SENSOR_NOT_WARM -> {
                wire = AbortReason.SENSOR_NOT_WARM;
                prompt = Prompt.ABORT_NOT_WARM;
            }
            case NO_BLOW -> {
                wire = AbortReason.NO_BLOW;
                prompt = Prompt.ABORT_NO_BLOW;
            }
            default -> throw new IllegalArgumentException("unknown abort reason " + reason);
        }
        return new TestEnding(Outcome.ABORTED, null, threshold, wire, null, null, facts, List.of(), prompt);
    }

    private TestEnding error(HardwareException cause, SensorFacts facts) {
        TamperKind kind;
        Prompt prompt;
        if (cause instanceof DeviceDisconnectedException || cause instanceof DeviceTimeoutException) {
            kind = TamperKind.SENSOR_DISCONNECTED;
            prompt = Prompt.SENSOR_PROBLEM;
        } else if (cause instanceof ProtocolException) {
            kind = TamperKind.SENSOR_FAULT;
            prompt = Prompt.ABORT_INTERRUPTED;
        } else {
            kind = TamperKind.SENSOR_FAULT;
            prompt = Prompt.ABORT_SENSOR_FAULT;
        }
        String code = cause instanceof SensorFaultException f ? f.code() + ": " : "";
        AbortReason reason = kind == TamperKind.SENSOR_FAULT && !(cause instanceof ProtocolException)
                ? AbortReason.SENSOR_FAULT : AbortReason.INTERRUPTED;
        return new TestEnding(Outcome.ABORTED, null, threshold, reason, null, null, facts,
                List.of(new TestEnding.Tamper(kind, "test ended: " + code + cause.getMessage())), prompt);
    }
}
