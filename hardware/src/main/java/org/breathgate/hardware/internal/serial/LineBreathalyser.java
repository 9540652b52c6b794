package org.breathgate.hardware.internal.serial;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.BreathResult;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.ButtonListener;
import org.breathgate.hardware.Buttons;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.LineProtocolConfig;
import org.breathgate.hardware.Measurement;
import org.breathgate.hardware.ProtocolException;
import org.breathgate.hardware.SensorFaultException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the line protocol. A reader thread owns the port's input: it decodes lines, hands
 * button presses to listeners, queues everything else for the calling thread, and reopens the port
 * when it comes back after being lost.
 */
final class LineBreathalyser implements Breathalyser {

    private static final Logger log = LoggerFactory.getLogger(LineBreathalyser.class);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STATUS_INTERVAL = Duration.ofMillis(250);

    private sealed interface Incoming {
    }

    private record Received(LineMessage message) implements Incoming {
    }

    private record Lost(DeviceDisconnectedException cause) implements Incoming {
    }

    private final LineProtocolConfig config;
    private final Clock clock;
    private final SerialLink link;
    private final LineCodec.Decoder decoder = new LineCodec.Decoder();
    private final BlockingQueue<Incoming> inbox = new LinkedBlockingQueue<>(1024);
    private final List<ButtonListener> buttonListeners = new CopyOnWriteArrayList<>();
    private final Buttons buttons = new Buttons() {
        @Override
        public void addListener(ButtonListener listener) {
            buttonListeners.add(listener);
        }

        @Override
        public void removeListener(ButtonListener listener) {
            buttonListeners.remove(listener);
        }
    };
    private volatile boolean closed;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long rejectedLines;
    private Thread reader;
    private SensorInfo sensorInfo;

    LineBreathalyser(LineProtocolConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.link = new SerialLink(config.port(), POLL);
    }

    @Override
    public synchronized void open(Duration timeout) throws HardwareException, InterruptedException {
        if (reader != null) {
            throw new IllegalStateException("already open");
        }
        if (closed) {
            throw new IllegalStateException("closed; create a new driver");
        }
        link.open();
        reader = new Thread(this::readLoop, "bg-line-reader-" + config.port().path());
        reader.setDaemon(true);
        reader.start();
        LineMessage id = command(LineMessage.of("ID"), Set.of("ID"), timeout);
        sensorInfo = parseId(id);
        log.info("Breathalyser on {}: {} serial {}", config.port().path(), sensorInfo.model(), sensorInfo.serialNumber());
    }

    @Override
    public synchronized SensorInfo sensorInfo() {
        if (sensorInfo == null) {
            throw new IllegalStateException("not open");
        }
        return sensorInfo;
    }

    @Override
    public void selfTest(Duration timeout) throws HardwareException, InterruptedException {
        sensorInfo();
        LineMessage reply = command(LineMessage.of("SELFTEST"), Set.of("SELFTEST"), timeout);
        if (!reply.field(1).equals("OK")) {
            String code = reply.field(2).isEmpty() ? "UNKNOWN" : reply.field(2);
            throw new SensorFaultException(code, "breathalyser on " + config.port().path() + " failed its self-test: " + code
                    + "; the device needs service");
        }
    }

    @Override
    public void awaitReady(Duration timeout) throws HardwareException, InterruptedException {
        sensorInfo();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new DeviceTimeoutException("breathalyser on " + config.port().path() + " not ready after " + timeout
                        + " (last state " + last + ")");
            }
            LineMessage state = command(LineMessage.of("STATUS"), Set.of("STATE"), left);
            last = state.field(1);
            if (last.equals("READY")) {
                return;
            }
            Thread.sleep(Math.min(STATUS_INTERVAL.toMillis(), Math.max(1, left.toMillis())));
        }
    }

    @Override
    public TestEvent.Terminal runTest(Duration timeout, Consumer<? super TestEvent> progress) throws InterruptedException {
        sensorInfo();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        LineMessage first;
        try {
            first = command(LineMessage.of("START"), Set.of("STATE", "BLOW", "RESULT"), timeout);
        } catch (HardwareException e) {
            return emit(progress, new TestEvent.Error(e));
        }
        TestEvent event = interpret(first);
        if (event == null && first.is("STATE", "WAIT_BLOW")) {
            event = new TestEvent.WaitingForBlow();
        } else if (event == null) {
            return emit(progress, new TestEvent.BlowAborted(BlowAbortReason.SENSOR_NOT_WARM));
        }
        boolean sawBlow = false;
        long lastProbe = System.nanoTime();
        long rejectedBefore = rejectedLines;
        try {
            while (true) {
                if (event != null) {
                    sawBlow |= event instanceof TestEvent.BlowDetected;
                    if (event instanceof TestEvent.Terminal terminal) {
                        return emit(progress, terminal);
                    }
                    progress.accept(event);
                    event = null;
                }
                long now = System.nanoTime();
                if (closed) {
                    return emit(progress, new TestEvent.Error(new DeviceDisconnectedException(
                            "breathalyser on " + config.port().path() + " was closed during the test")));
                }
                if (now - deadline >= 0) {
                    sendQuietly(LineMessage.of("CANCEL"));
                    return emit(progress, new TestEvent.Error(new DeviceTimeoutException("breathalyser on "
                            + config.port().path() + " gave no result within " + timeout + (sawBlow ? " after the blow" : ""))));
                }
                long silent = now - lastHeardNanos;
                if (silent > config.silenceTimeout().toNanos() && now - start > config.silenceTimeout().toNanos()) {
                    return emit(progress, new TestEvent.Error(new DeviceTimeoutException("breathalyser on "
                            + config.port().path() + " stopped answering for " + config.silenceTimeout() + " during the test")));
                }
                if (rejectedLines != rejectedBefore) {
                    // A line was lost to noise: it may have been the result. Ask for it again.
                    rejectedBefore = rejectedLines;
                    sendQuietly(LineMessage.of("LAST"));
                    lastProbe = now;
                } else if (now - lastProbe > config.silenceTimeout().toNanos() / 2 && silent > config.silenceTimeout().toNanos() / 2) {
                    sendQuietly(LineMessage.of("STATUS"));
                    lastProbe = now;
                }
                Incoming in = inbox.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (in instanceof Lost lost) {
                    return emit(progress, new TestEvent.Error(lost.cause()));
                }
                if (in instanceof Received received) {
                    LineMessage m = received.message();
                    event = interpret(m);
                    if (event == null && m.is("STATE", "READY")) {
                        // The device finished but we missed its last word: ask for it.
                        sendQuietly(LineMessage.of("LAST"));
                        lastProbe = now;
                    }
                }
            }
        } catch (InterruptedException e) {
            sendQuietly(LineMessage.of("CANCEL"));
            throw e;
        }
    }

    private static TestEvent.Terminal emit(Consumer<? super TestEvent> progress, TestEvent.Terminal terminal) {
        progress.accept(terminal);
        return terminal;
    }

    /** Maps a device line to a test event, or null if it is not one. */
    private TestEvent interpret(LineMessage m) {
        switch (m.type()) {
            case "BLOW":
                if (m.field(1).equals("START")) {
                    return new TestEvent.BlowDetected();
                }
                if (m.field(1).equals("ABORT")) {
                    return new TestEvent.BlowAborted(abortReason(m.field(2)));
                }
                return null;
            case "RESULT":
                try {
                    return new TestEvent.Result(parseResult(m));
                } catch (ProtocolException e) {
                    return new TestEvent.Error(e);
                }
            case "ERR":
                return new TestEvent.Error(fault(m));
            default:
                return null;
        }
    }

    private static BlowAbortReason abortReason(String code) {
        return switch (code) {
            case "SHORT" -> BlowAbortReason.TOO_SHORT;
            case "WEAK" -> BlowAbortReason.TOO_WEAK;
            case "NOT_WARM" -> BlowAbortReason.SENSOR_NOT_WARM;
            case "NO_BLOW" -> BlowAbortReason.NO_BLOW;
            default -> BlowAbortReason.INTERRUPTED;
        };
    }

    private SensorFaultException fault(LineMessage m) {
        String code = m.field(1).isEmpty() ? "UNKNOWN" : m.field(1);
        return new SensorFaultException(code, "breathalyser on " + config.port().path() + " reported " + code
                + (m.field(2).isEmpty() ? "" : " (" + m.field(2) + ")") + "; if it repeats the device needs service");
    }

    private BreathResult parseResult(LineMessage m) throws ProtocolException {
        try {
            boolean over = m.field(1).equals("OVER");
            int base = over ? 2 : 1;
            if (m.fields().size() != base + 3) {
                throw new ProtocolException("RESULT line has " + m.fields().size() + " fields: " + m);
            }
            int value = Integer.parseInt(m.field(base));
            Measurement measurement = over ? new Measurement.OverRange(value) : new Measurement.Exact(value);
            Optional<Duration> blow = m.field(base + 1).equals("-") ? Optional.empty()
                    : Optional.of(Duration.ofMillis(Integer.parseInt(m.field(base + 1))));
            Optional<BigDecimal> temperature = m.field(base + 2).equals("-") ? Optional.empty()
                    : Optional.of(BigDecimal.valueOf(Integer.parseInt(m.field(base + 2)), 1));
            return new BreathResult(measurement, blow, temperature, clock.instant(), sensorInfo());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("breathalyser on " + config.port().path() + " sent an unreadable result '" + m
                    + "': " + e.getMessage());
        }
    }

    private SensorInfo parseId(LineMessage m) throws ProtocolException {
        try {
            if (m.fields().size() != 5) {
                throw new IllegalArgumentException("expected 5 fields");
            }
            return new SensorInfo(m.field(1), m.field(2), dash(m.field(3)), dash(m.field(4)).map(LocalDate::parse));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new ProtocolException("breathalyser on " + config.port().path() + " sent an unreadable identity '" + m
                    + "': " + e.getMessage());
        }
    }

    private static Optional<String> dash(String field) {
        return field.equals("-") || field.isEmpty() ? Optional.empty() : Optional.of(field);
    }

    /**
     * Sends {@code request} until a line of one of {@code replyTypes} arrives, resending after each
     * reply timeout and on NAK, at most the configured number of attempts and never past {@code timeout}.
     */
    private LineMessage command(LineMessage request, Set<String> replyTypes, Duration timeout)
            throws HardwareException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long rejectedBefore = rejectedLines;
        String path = config.port().path();
        for (int attempt = 1; attempt <= config.attempts(); attempt++) {
            drainStale();
            if (!link.isOpen()) {
                throw new DeviceDisconnectedException("breathalyser on " + path
                        + " is not connected; check the cable (the port is reopened when it comes back)");
            }
            link.write(LineCodec.encode(request));
            long attemptEnd = Math.min(deadline, System.nanoTime() + config.replyTimeout().toNanos());
            boolean nak = false;
            while (!nak) {
                long left = attemptEnd - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Incoming in = inbox.poll(left, TimeUnit.NANOSECONDS);
                if (in instanceof Lost lost) {
                    throw lost.cause();
                }
                if (in instanceof Received received) {
                    LineMessage m = received.message();
                    if (replyTypes.contains(m.type())) {
                        return m;
                    }
                    if (m.type().equals("ERR")) {
                        throw fault(m);
                    }
                    nak = m.type().equals("NAK");
                    if (nak) {
                        log.debug("{} refused {}: {}", path, request, m);
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            log.debug("No answer to {} from {} (attempt {} of {})", request, path, attempt, config.attempts());
        }
        if (rejectedLines != rejectedBefore) {
            throw new ProtocolException("breathalyser on " + path + " answered " + request.type() + " only with "
                    + (rejectedLines - rejectedBefore) + " corrupted lines; check the baud rate (" + config.port().baudRate()
                    + ") and the cable");
        }
        throw new DeviceTimeoutException("breathalyser on " + path + " did not answer " + request.type() + " ("
                + config.attempts() + " attempts within " + timeout + "); check it is switched on and speaks the line protocol");
    }

    private void drainStale() throws DeviceDisconnectedException {
        Incoming in;
        while ((in = inbox.poll()) != null) {
            if (in instanceof Lost lost && !link.isOpen()) {
                throw lost.cause();
            }
        }
    }

    private void sendQuietly(LineMessage message) {
        try {
            link.write(LineCodec.encode(message));
        } catch (DeviceDisconnectedException e) {
            // The reader thread reports the loss through the inbox; nothing more to say here.
            log.debug("Could not send {}: {}", message, e.getMessage());
        }
    }

    private void readLoop() {
        byte[] buffer = new byte[256];
        while (!closed) {
            if (!link.isOpen()) {
                try {
                    link.open();
                    log.info("Serial port {} is back", config.port().path());
                } catch (DeviceDisconnectedException e) {
                    sleepQuietly(config.reconnectInterval());
                    continue;
                }
            }
            int n;
            try {
                n = link.read(buffer);
            } catch (DeviceDisconnectedException e) {
                if (!closed) {
                    log.warn("{}", e.getMessage());
                    offer(new Lost(e));
                }
                continue;
            }
            if (n == 0) {
                continue;
            }
            List<LineMessage> lines = decoder.feed(buffer, 0, n);
            if (decoder.rejectedLines() != rejectedLines) {
                log.debug("Discarded corrupted input from {} ({} bytes so far)", config.port().path(), decoder.discardedBytes());
                rejectedLines = decoder.rejectedLines();
            }
            for (LineMessage m : lines) {
                lastHeardNanos = System.nanoTime();
                if (m.type().equals("BTN")) {
                    dispatchButton(m);
                } else {
                    offer(new Received(m));
                }
            }
        }
        // close() may have raced a reopen above; make sure the port is released.
        link.close();
    }

    private void dispatchButton(LineMessage m) {
        Button button = switch (m.field(1)) {
            case "START" -> Button.START_TEST;
            case "SUPPORT" -> Button.SUPPORT;
            default -> null;
        };
        if (button == null) {
            log.debug("Ignoring unknown button {}", m);
            return;
        }
        for (ButtonListener listener : buttonListeners) {
            try {
                listener.pressed(button, clock.instant());
            } catch (RuntimeException e) {
                log.error("Button listener failed on {}", button, e);
            }
        }
    }

    private void offer(Incoming in) {
        if (!inbox.offer(in)) {
            inbox.poll();
            inbox.offer(in);
        }
    }

    private void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Total lines thrown away since open; for diagnostics and tests. */
    long rejectedLines() {
        return rejectedLines;
    }

    long discardedBytes() {
        return decoder.discardedBytes();
    }

    @Override
    public Optional<Buttons> buttons() {
        return Optional.of(buttons);
    }

    @Override
    public void close() {
        closed = true;
        link.close();
        Thread r;
        synchronized (this) {
            r = reader;
        }
        if (r != null && r != Thread.currentThread()) {
            try {
                r.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
