package org.breathgate.hardware.internal.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.GpioInterlockConfig;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An interlock on GPIO. READY falling during a test means the person is blowing; PASS or FAIL
 * becoming active is the result; READY returning without either means the blow was abandoned.
 * Pi4J calls back on its own threads; edges are queued for the thread running the test.
 */
final class GpioInterlock implements Breathalyser {

    private static final Logger log = LoggerFactory.getLogger(GpioInterlock.class);

    private enum Line { READY, PASS, FAIL }

    private record Edge(Line line, boolean active) {
    }

    private final GpioInterlockConfig config;
    private final Clock clock;
    private final Context pi4j;
    private final BlockingQueue<Edge> edges = new LinkedBlockingQueue<>();
    private final List<String> ids = new ArrayList<>();
    private DigitalInput ready;
    private DigitalInput pass;
    private DigitalInput fail;
    private DigitalOutput start;

    GpioInterlock(GpioInterlockConfig config, Clock clock, Context pi4j) {
        this.config = config;
        this.clock = clock;
        this.pi4j = pi4j;
    }

    @Override
    public synchronized void open(Duration timeout) throws HardwareException {
        if (ready != null) {
            throw new IllegalStateException("already open");
        }
        try {
            ready = input("bg-interlock-ready", config.readyPin(), Line.READY);
            pass = input("bg-interlock-pass", config.passPin(), Line.PASS);
            fail = input("bg-interlock-fail", config.failPin(), Line.FAIL);
            if (config.startPin().isPresent()) {
                start = Pins.output(pi4j, ids, "bg-interlock-start", config.startPin().getAsInt());
            }
        } catch (RuntimeException e) {
            close();
            throw new DeviceDisconnectedException("could not claim the interlock's GPIO pins (READY " + config.readyPin()
                    + ", PASS " + config.passPin() + ", FAIL " + config.failPin() + "): " + e.getMessage()
                    + "; check no other program uses them", e);
        }
        log.info("Interlock on GPIO READY {} PASS {} FAIL {}", config.readyPin(), config.passPin(), config.failPin());
    }

    private DigitalInput input(String id, int pin, Line line) {
        DigitalInput in = Pins.input(pi4j, ids, id, pin, config.activeHigh() ? PullResistance.PULL_DOWN : PullResistance.PULL_UP);
        in.addListener(event -> edges.add(new Edge(line, active(event.state()))));
        return in;
    }

    private boolean active(DigitalState state) {
        return config.activeHigh() ? state == DigitalState.HIGH : state == DigitalState.LOW;
    }

    private boolean isActive(DigitalInput in) {
        return active(in.state());
    }

    @Override
    public synchronized SensorInfo sensorInfo() {
        requireOpen();
        return config.sensor();
    }

    @Override
    public synchronized void selfTest(Duration timeout) throws HardwareException {
        requireOpen();
        if (isActive(pass) && isActive(fail)) {
            throw bothActive();
        }
    }

    private SensorFaultException bothActive() {
        return new SensorFaultException("PASS_AND_FAIL", "interlock shows PASS (GPIO " + config.passPin() + ") and FAIL (GPIO "
                + config.failPin() + ") at once: check the wiring and the active level setting");
    }

    @Override
    public synchronized void awaitReady(Duration timeout) throws HardwareException, InterruptedException {
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isActive(ready)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeviceTimeoutException("interlock READY (GPIO " + config.readyPin() + ") not active after " + timeout
                        + ": is the device on and warm?");
            }
            edges.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public synchronized TestEvent.Terminal runTest(Duration timeout, Consumer<? super TestEvent> progress)
            throws InterruptedException {
        requireOpen();
        edges.clear();
        if (!isActive(ready)) {
            return emit(progress, new TestEvent.BlowAborted(BlowAbortReason.SENSOR_NOT_WARM));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (start != null) {
            start.high();
            Thread.sleep(config.startPulse().toMillis());
            start.low();
        }
        progress.accept(new TestEvent.WaitingForBlow());
        boolean blowing = false;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return emit(progress, blowing
                        ? new TestEvent.Error(new DeviceTimeoutException("interlock gave neither PASS nor FAIL within " + timeout))
                        : new TestEvent.BlowAborted(BlowAbortReason.NO_BLOW));
            }
            Edge edge = edges.poll(left, TimeUnit.NANOSECONDS);
            if (edge == null || !edge.active() && edge.line() != Line.READY) {
                continue;
            }
            if (isActive(pass) && isActive(fail)) {
                return emit(progress, new TestEvent.Error(bothActive()));
            }
            switch (edge.line()) {
                case READY -> {
                    if (!edge.active() && !blowing) {
                        blowing = true;
                        progress.accept(new TestEvent.BlowDetected());
                    } else if (edge.active() && blowing) {
                        return emit(progress, new TestEvent.BlowAborted(BlowAbortReason.INTERRUPTED));
                    }
                }
                case PASS -> {
                    return emit(progress, result(new Measurement.InterlockPass()));
                }
                case FAIL -> {
                    return emit(progress, result(new Measurement.InterlockFail()));
                }
            }
        }
    }

    private TestEvent.Result result(Measurement measurement) {
        return new TestEvent.Result(new BreathResult(measurement, Optional.empty(), Optional.empty(), clock.instant(), config.sensor()));
    }

    private static TestEvent.Terminal emit(Consumer<? super TestEvent> progress, TestEvent.Terminal terminal) {
        progress.accept(terminal);
        return terminal;
    }

    private void requireOpen() {
        if (ready == null) {
            throw new IllegalStateException("not open");
        }
    }

    @Override
    public synchronized void close() {
        if (start != null) {
            start.low();
        }
        Pins.release(pi4j, ids);
        ready = null;
        pass = null;
        fail = null;
        start = null;
    }
}
