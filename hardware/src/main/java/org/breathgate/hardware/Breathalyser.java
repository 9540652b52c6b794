package org.breathgate.hardware;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One breathalyser, whatever it is wired to. The lifecycle is
 * {@link #open} → {@link #selfTest} → {@link #awaitReady} → {@link #runTest} (repeatable) → {@link #close}.
 *
 * <p>Every blocking method takes a timeout and returns or throws within it (plus a small margin for
 * the operating system); nothing blocks forever. A driver never invents a result: when the device
 * does not say what it measured, the test ends in {@link TestEvent.Error}, not in a number.
 *
 * <p>Implementations are safe to call from one thread at a time; {@link #close} may be called from
 * any thread and makes a running {@link #runTest} end with an error promptly.
 */
public interface Breathalyser extends AutoCloseable {

    /**
     * Opens the connection and reads the sensor's identity.
     *
     * @throws DeviceDisconnectedException if the port or pins are not there
     * @throws DeviceTimeoutException if the device does not identify itself in time
     */
    void open(Duration timeout) throws HardwareException, InterruptedException;

    /** The identity read (or configured) at {@link #open}. @throws IllegalStateException before open */
    SensorInfo sensorInfo();

    /**
     * Asks the device to check itself.
     *
     * @throws SensorFaultException if the device reports a fault; the message names the fault
     */
    void selfTest(Duration timeout) throws HardwareException, InterruptedException;

    /**
     * Waits until the sensor is warm and ready for a blow.
     *
     * @throws DeviceTimeoutException if it is still warming up when the timeout ends
     */
    void awaitReady(Duration timeout) throws HardwareException, InterruptedException;

    /**
     * Runs one breath test: one blow attempt. Progress is reported to {@code progress} on the
     * calling thread, ending with the terminal event that is also returned. An aborted blow ends the
     * test (the caller decides whether to ask again); so do device faults and a lost connection,
     * which end in {@link TestEvent.Error} rather than an exception so the caller has one place to
     * handle every ending.
     *
     * @param timeout the longest the whole test may take, blow window included
     * @throws IllegalStateException if the breathalyser is not open
     */
    TestEvent.Terminal runTest(Duration timeout, Consumer<? super TestEvent> progress) throws InterruptedException;

    /**
     * Buttons on the breathalyser itself, when its protocol reports them (the line protocol's
     * {@code BTN} message does). Empty for devices without buttons; use a {@link DevicePanel} then.
     */
    default Optional<Buttons> buttons() {
        return Optional.empty();
    }

    /** Releases the port or pins and stops the driver's threads. Idempotent. */
    @Override
    void close();
}
