package org.breathgate.hardware.internal.frame;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.FrameModuleConfig;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.ProtocolException;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.hardware.internal.serial.SerialLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for a 9-byte-frame gas module in polled mode. The module has no flow sensor: a test reads
 * it for the configured window while the person blows and reports the peak. All I/O happens on the
 * calling thread.
 */
final class FrameBreathalyser implements Breathalyser {

    private static final Logger log = LoggerFactory.getLogger(FrameBreathalyser.class);
    private static final Duration SLICE = Duration.ofMillis(20);

    private final FrameModuleConfig config;
    private final Clock clock;
    private final SerialLink link;
    private final Frames.Decoder decoder = new Frames.Decoder();
    private final int fullScaleCounts;
    private volatile boolean closed;
    private Instant openedAt;

    FrameBreathalyser(FrameModuleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.link = new SerialLink(config.port(), SLICE);
        this.fullScaleCounts = config.fullScalePpm().divide(config.ppmPerCount(), java.math.RoundingMode.FLOOR).intValueExact();
    }

    @Override
    public synchronized void open(Duration timeout) throws HardwareException, InterruptedException {
        if (openedAt != null) {
            throw new IllegalStateException("already open");
        }
        link.open();
        // Polled mode; modules already in it ignore the request and send nothing back.
        link.write(Frames.request(Frames.SET_MODE, Frames.QUESTION_AND_ANSWER));
        readCounts(timeout);
        openedAt = clock.instant();
        log.info("Gas module on {}: {} serial {}, full scale {} ppm = {} µg/L", path(), config.sensor().model(),
                config.sensor().serialNumber(), config.fullScalePpm(), config.fullScaleMicrogramsPerLitre());
    }

    @Override
    public synchronized SensorInfo sensorInfo() {
        requireOpen();
        return config.sensor();
    }

    @Override
    public synchronized void selfTest(Duration timeout) throws HardwareException, InterruptedException {
        requireOpen();
        int counts = readCounts(timeout);
        if (counts > fullScaleCounts) {
            throw new SensorFaultException("OUT_OF_RANGE", "gas module on " + path() + " reads " + counts
                    + " counts, above its configured full scale of " + fullScaleCounts + ": check the configured range");
        }
    }

    @Override
    public synchronized void awaitReady(Duration timeout) throws HardwareException, InterruptedException {
        requireOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!warm()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeviceTimeoutException("gas module on " + path() + " still warming up after " + timeout
                        + " (needs " + config.warmUp() + " after power-on)");
            }
            Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
        }
    }

    private boolean warm() {
        return !clock.instant().isBefore(openedAt.plus(config.warmUp()));
    }

    @Override
    public synchronized TestEvent.Terminal runTest(Duration timeout, Consumer<? super TestEvent> progress)
            throws InterruptedException {
        requireOpen();
        if (!warm()) {
            return emit(progress, new TestEvent.BlowAborted(BlowAbortReason.SENSOR_NOT_WARM));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long windowEnd = System.nanoTime() + config.sampleWindow().toNanos();
        progress.accept(new TestEvent.WaitingForBlow());
        int peak = -1;
        try {
            while (System.nanoTime() - windowEnd < 0 || peak < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new DeviceTimeoutException("gas module on " + path() + " did not finish sampling within " + timeout);
                }
                peak = Math.max(peak, readCounts(Duration.ofNanos(left)));
                if (peak >= fullScaleCounts) {
                    break;
                }
                Thread.sleep(Math.min(config.pollInterval().toMillis(), Math.max(0, (windowEnd - System.nanoTime()) / 1_000_000)));
            }
        } catch (HardwareException e) {
            return emit(progress, new TestEvent.Error(e));
        }
        Measurement measurement = peak >= fullScaleCounts ? new Measurement.OverRange(config.fullScaleMicrogramsPerLitre())
                : new Measurement.Exact(config.conversion().toMicrogramsPerLitre(config.ppmPerCount().multiply(BigDecimal.valueOf(peak))));
        return emit(progress, new TestEvent.Result(
                new BreathResult(measurement, Optional.empty(), Optional.empty(), clock.instant(), config.sensor())));
    }

    private static TestEvent.Terminal emit(Consumer<? super TestEvent> progress, TestEvent.Terminal terminal) {
        progress.accept(terminal);
        return terminal;
    }

    /** One polled reading, retried on silence and corruption. */
    private int readCounts(Duration timeout) throws HardwareException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long badBefore = decoder.badFrames();
        byte[] buffer = new byte[64];
        for (int attempt = 1; attempt <= config.attempts(); attempt++) {
            if (closed) {
                throw new DeviceDisconnectedException("gas module on " + path() + " was closed");
            }
            if (!link.isOpen()) {
                link.open();
                log.info("Serial port {} is back", path());
            }
            decoder.reset();
            link.write(Frames.request(Frames.READ));
            long attemptEnd = Math.min(deadline, System.nanoTime() + config.replyTimeout().toNanos());
            while (System.nanoTime() - attemptEnd < 0) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                int n = link.read(buffer);
                for (byte[] frame : decoder.feed(buffer, 0, n)) {
                    if (Frames.command(frame) == Frames.READ) {
                        return Frames.counts(frame);
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
        }
        if (decoder.badFrames() != badBefore) {
            throw new ProtocolException("gas module on " + path() + " answered only with " + (decoder.badFrames() - badBefore)
                    + " corrupted frames; check the baud rate (" + config.port().baudRate() + ") and the wiring");
        }
        throw new DeviceTimeoutException("gas module on " + path() + " did not answer a read request ("
                + config.attempts() + " attempts within " + timeout + "); check power, TX/RX wiring and that it is the configured module");
    }

    private void requireOpen() {
        if (openedAt == null) {
            throw new IllegalStateException("not open");
        }
    }

    private String path() {
        return config.port().path();
    }

    @Override
    public void close() {
        closed = true;
        link.close();
    }
}
