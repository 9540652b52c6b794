package org.breathgate.hardware.sim;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Buttons;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;

/**
 * A breathalyser in memory with scripted behaviour, for the agent's unit tests and a demo without
 * socat. Each {@link #runTest} plays the next scripted ending; when the script is used up, tests
 * measure 0 µg/L. Nothing blocks: a "device that never becomes ready" fails at once with the
 * timeout exception a real driver would throw at the end of its wait.
 *
 * <pre>{@code
 * FakeBreathalyser fake = new FakeBreathalyser(clock).thenMeasures(450).thenMeasures(0);
 * }</pre>
 */
public final class FakeBreathalyser implements Breathalyser {

    /** Identity of every fake: model "Fake", serial "FAKE-0001", firmware "fake-1", calibration due in 180 days. */
    public static SensorInfo identity(Clock clock) {
        return new SensorInfo("Fake", "FAKE-0001", Optional.of("fake-1"),
                Optional.of(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(180)));
    }

    private final Clock clock;
    private final SensorInfo sensor;
    private final SoftButtons buttons;
    private final Deque<TestEvent.Terminal> script = new ArrayDeque<>();
    private HardwareException openFailure;
    private HardwareException selfTestFailure;
    private boolean neverReady;
    private boolean open;
    private boolean closed;
    private int testsRun;

    public FakeBreathalyser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sensor = identity(clock);
        this.buttons = new SoftButtons(clock);
    }

    /** The next unscripted test measures {@code microgramsPerLitre} (blow 4 s, sensor 34.2 °C). */
    public synchronized FakeBreathalyser thenMeasures(int microgramsPerLitre) {
        return then(new Measurement.Exact(microgramsPerLitre));
    }

    /** The next unscripted test ends with {@code measurement} (blow 4 s, sensor 34.2 °C). */
    public synchronized FakeBreathalyser then(Measurement measurement) {
        script.add(new TestEvent.Result(new BreathResult(measurement, Optional.of(Duration.ofSeconds(4)),
                Optional.of(new BigDecimal("34.2")), clock.instant(), sensor)));
        return this;
    }

    public synchronized FakeBreathalyser thenAborts(BlowAbortReason reason) {
        script.add(new TestEvent.BlowAborted(reason));
        return this;
    }

    public synchronized FakeBreathalyser thenFails(HardwareException cause) {
        script.add(new TestEvent.Error(cause));
        return this;
    }

    public synchronized FakeBreathalyser failingOpenWith(HardwareException cause) {
        this.openFailure = cause;
        return this;
    }

    public synchronized FakeBreathalyser failingSelfTestWith(HardwareException cause) {
        this.selfTestFailure = cause;
        return this;
    }

    /** {@link #awaitReady} throws {@link DeviceTimeoutException} as a device stuck warming up would. */
    public synchronized FakeBreathalyser neverReady() {
        this.neverReady = true;
        return this;
    }

    /** Buttons on the fake device, pressed with {@link SoftButtons#press}. */
    public SoftButtons softButtons() {
        return buttons;
    }

    @Override
    public Optional<Buttons> buttons() {
        return Optional.of(buttons);
    }

    @Override
    public synchronized void open(Duration timeout) throws HardwareException {
        if (openFailure != null) {
            throw openFailure;
        }
        open = true;
    }

    @Override
    public synchronized SensorInfo sensorInfo() {
        requireOpen();
        return sensor;
    }

    @Override
    public synchronized void selfTest(Duration timeout) throws HardwareException {
        requireOpen();
        if (selfTestFailure != null) {
            throw selfTestFailure;
        }
    }

    @Override
    public synchronized void awaitReady(Duration timeout) throws HardwareException {
        requireOpen();
        if (neverReady) {
            throw new DeviceTimeoutException("fake breathalyser not ready after " + timeout);
        }
    }

    @Override
    public synchronized TestEvent.Terminal runTest(Duration timeout, Consumer<? super TestEvent> progress) {
        requireOpen();
        testsRun++;
        TestEvent.Terminal end = script.isEmpty()
                ? new TestEvent.Result(new BreathResult(new Measurement.Exact(0), Optional.of(Duration.ofSeconds(4)),
                        Optional.of(new BigDecimal("34.2")), clock.instant(), sensor))
                : script.removeFirst();
        if (end instanceof TestEvent.Result result) {
            end = new TestEvent.Result(new BreathResult(result.result().measurement(), result.result().blowDuration(),
                    result.result().sensorTemperatureCelsius(), clock.instant(), sensor));
        }
        progress.accept(new TestEvent.WaitingForBlow());
        if (!(end instanceof TestEvent.BlowAborted a && (a.reason() == BlowAbortReason.NO_BLOW
                || a.reason() == BlowAbortReason.SENSOR_NOT_WARM))) {
            progress.accept(new TestEvent.BlowDetected());
        }
        progress.accept(end);
        return end;
    }

    /** Tests run so far. */
    public synchronized int testsRun() {
        return testsRun;
    }

    public synchronized boolean isOpen() {
        return open && !closed;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void requireOpen() {
        if (!open || closed) {
            throw new IllegalStateException("not open");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
