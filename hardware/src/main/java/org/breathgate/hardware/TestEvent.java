package org.breathgate.hardware;

import java.util.Objects;

/** Progress of one breath test, in the order the device reports it. */
public sealed interface TestEvent {

    /** Ends a test: exactly one per {@link Breathalyser#runTest}. */
    sealed interface Terminal extends TestEvent {
    }

    /** The device is waiting for the person to blow. */
    record WaitingForBlow() implements TestEvent {
    }

    /** The device detected breath flow. Devices without a flow sensor never send it. */
    record BlowDetected() implements TestEvent {
    }

    /** The blow gave no result. */
    record BlowAborted(BlowAbortReason reason) implements Terminal {
        public BlowAborted {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The device measured. */
    record Result(BreathResult result) implements Terminal {
        public Result {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * The test could not finish: a fault the device reported ({@link SensorFaultException}), a lost
     * connection ({@link DeviceDisconnectedException}), silence ({@link DeviceTimeoutException}) or
     * unreadable data ({@link ProtocolException}). No result exists for this test.
     */
    record Error(HardwareException cause) implements Terminal {
        public Error {
            Objects.requireNonNull(cause, "cause");
        }
    }
}
