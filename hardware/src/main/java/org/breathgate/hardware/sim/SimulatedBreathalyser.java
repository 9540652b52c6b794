package org.breathgate.hardware.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.SerialPortConfig;
import org.breathgate.hardware.internal.serial.LineCodec;
import org.breathgate.hardware.internal.serial.LineMessage;
import org.breathgate.hardware.internal.serial.SerialLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A virtual breathalyser speaking the line protocol on a socat pseudo-terminal, acting out a
 * {@link Scenario}. Connect a driver to {@link #portPath()}.
 *
 * <pre>{@code
 * try (SimulatedBreathalyser sim = SimulatedBreathalyser.start(Scenario.positive(450), dir)) {
 *     Breathalyser b = Breathalysers.create(LineProtocolConfig.defaults(sim.portPath()), clock);
 *     ...
 * }
 * }</pre>
 *
 * One named daemon thread serves the device side; {@link #close} stops it and socat.
 */
public final class SimulatedBreathalyser implements AutoCloseable {

    public static final String MODEL = "Breathgate Simulator";
    public static final String SERIAL = "SIM-0001";
    public static final String FIRMWARE = "sim-1";
    /** Sensor temperature the simulator reports, in tenths of a degree: 34.2 °C. */
    static final int TEMPERATURE_DECI_C = 342;

    private static final Logger log = LoggerFactory.getLogger(SimulatedBreathalyser.class);
    private static final long NOT_SCHEDULED = Long.MIN_VALUE;

    private enum Phase { IDLE, WAIT_BLOW, BLOWING, ANALYSING }

    private final Scenario scenario;
    private final Clock clock;
    private final PtyPair pty;
    private final SerialLink link;
    private final Instant readyAt;
    private final Deque<Blow> queue;
    private final Random noise = new Random(42);
    private final AtomicInteger testsStarted = new AtomicInteger();
    private final Thread server;
    private final LineCodec.Decoder decoder = new LineCodec.Decoder();
    private volatile boolean closed;
    private long linesSent;
    private Phase phase = Phase.IDLE;
    private long phaseEnds;
    private Blow current;
    private LineMessage lastTerminal;
    private volatile long replugAt = NOT_SCHEDULED;

    private SimulatedBreathalyser(Scenario scenario, Clock clock, PtyPair pty) throws DeviceDisconnectedException {
        this.scenario = scenario;
        this.clock = clock;
        this.pty = pty;
        this.readyAt = clock.instant().plus(scenario.warmUp());
        this.queue = new ArrayDeque<>(scenario.blows());
        this.link = new SerialLink(SerialPortConfig.of(pty.deviceEnd().toString(), 9600), Duration.ofMillis(10));
        link.open();
        this.server = new Thread(this::serve, "bg-sim-" + scenario.name());
        server.setDaemon(true);
    }

    /** Starts socat in {@code dir} (links {@code bg-sim-host} and {@code bg-sim-device}) and serves the scenario. */
    public static SimulatedBreathalyser start(Scenario scenario, Path dir) throws IOException {
        return start(scenario, dir, Clock.systemUTC());
    }

    /** As {@link #start(Scenario, Path)}, with the clock the warm-up and calibration date are read from. */
    public static SimulatedBreathalyser start(Scenario scenario, Path dir, Clock clock) throws IOException {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(clock, "clock");
        PtyPair pty = PtyPair.create(dir, "bg-sim");
        try {
            SimulatedBreathalyser sim = new SimulatedBreathalyser(scenario, clock, pty);
            sim.server.start();
            log.info("Simulated breathalyser '{}' on {}", scenario.name(), pty.hostEnd());
            return sim;
        } catch (DeviceDisconnectedException | RuntimeException e) {
            pty.close();
            throw new IOException("could not open the simulator's end " + pty.deviceEnd() + ": " + e.getMessage(), e);
        }
    }

    /** The link a driver connects to. */
    public Path hostPath() {
        return pty.hostEnd();
    }

    /** {@link #hostPath()} as a string, ready for {@code LineProtocolConfig.defaults}. */
    public String portPath() {
        return pty.hostEnd().toString();
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Tests started so far. */
    public int testsStarted() {
        return testsStarted.get();
    }

    /** Makes the next test do {@code blow}, ahead of the scenario's remaining blows. */
    public void setNextBlow(Blow blow) {
        Objects.requireNonNull(blow, "blow");
        synchronized (queue) {
            queue.addFirst(blow);
        }
    }

    /** Makes the next test measure {@code microgramsPerLitre}. */
    public void setNextReading(int microgramsPerLitre) {
        setNextBlow(Blow.reading(microgramsPerLitre));
    }

    /**
     * Presses a button on the simulated device: sends {@code BTN,START} or {@code BTN,SUPPORT}.
     *
     * @throws IllegalStateException if the simulator is unplugged
     */
    public void pressButton(Button button) {
        try {
            send(LineMessage.of("BTN", button == Button.START_TEST ? "START" : "SUPPORT"));
        } catch (DeviceDisconnectedException e) {
            throw new IllegalStateException("cannot press a button on an unplugged simulator", e);
        }
    }

    /** Pulls the cable: the pseudo-terminal pair disappears until {@link #replug()}. */
    public void unplug() {
        replugAt = NOT_SCHEDULED;
        pty.unplug();
    }

    /** Plugs the cable back in under the same path. */
    public void replug() throws IOException {
        replugAt = NOT_SCHEDULED;
        pty.replug();
    }

    private void serve() {
        byte[] buffer = new byte[256];
        while (!closed) {
            try {
                if (!link.isOpen()) {
                    reconnect();
                    continue;
                }
                int n = link.read(buffer);
                long rejected = decoder.rejectedLines();
                for (LineMessage m : decoder.feed(buffer, 0, n)) {
                    handle(m);
                }
                if (decoder.rejectedLines() != rejected) {
                    send(LineMessage.of("NAK", "CHECKSUM"));
                }
                advance();
            } catch (DeviceDisconnectedException e) {
                if (!closed) {
                    log.info("Simulator lost its port: {}", e.getMessage());
                }
                phase = Phase.IDLE;
            } catch (IOException | RuntimeException e) {
                log.error("Simulator step failed", e);
                sleep(50);
            }
        }
        link.close();
    }

    private void reconnect() throws IOException, DeviceDisconnectedException {
        long at = replugAt;
        if (!pty.isPlugged() && at != NOT_SCHEDULED && System.nanoTime() - at >= 0) {
            replugAt = NOT_SCHEDULED;
            pty.replug();
            log.info("Simulator plugged back in at {}", pty.hostEnd());
        }
        if (pty.isPlugged()) {
            link.open();
        } else {
            sleep(20);
        }
    }

    private void handle(LineMessage m) throws DeviceDisconnectedException {
        switch (m.type()) {
            case "ID" -> send(LineMessage.of("ID", MODEL, SERIAL, FIRMWARE,
                    LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(180).toString()));
            case "SELFTEST" -> send(LineMessage.of("SELFTEST", "OK"));
            case "STATUS" -> send(state());
            case "START" -> start();
            case "CANCEL" -> {
                if (phase != Phase.IDLE) {
                    phase = Phase.IDLE;
                    terminal(LineMessage.of("BLOW", "ABORT", "INTERRUPTED"));
                } else {
                    send(state());
                }
            }
            case "LAST" -> send(phase == Phase.IDLE && lastTerminal != null ? lastTerminal : state());
            default -> send(LineMessage.of("NAK", "UNKNOWN"));
        }
    }

    private LineMessage state() {
        if (clock.instant().isBefore(readyAt)) {
            long seconds = Math.max(1, Duration.between(clock.instant(), readyAt).toSeconds());
            return LineMessage.of("STATE", "WARMUP", Long.toString(seconds));
        }
        return switch (phase) {
            case IDLE -> LineMessage.of("STATE", "READY");
            case WAIT_BLOW -> LineMessage.of("STATE", "WAIT_BLOW");
            case BLOWING, ANALYSING -> LineMessage.of("STATE", "BUSY");
        };
    }

    private void start() throws DeviceDisconnectedException {
        if (phase != Phase.IDLE) {
            // START is idempotent: a host that missed our answer asks again.
            send(state());
            return;
        }
        if (clock.instant().isBefore(readyAt)) {
            terminal(LineMessage.of("BLOW", "ABORT", "NOT_WARM"));
            return;
        }
        testsStarted.incrementAndGet();
        synchronized (queue) {
            current = queue.isEmpty() ? scenario.thereafter() : queue.removeFirst();
        }
        lastTerminal = null;
        enter(Phase.WAIT_BLOW, scenario.timing().beforeBlow());
        send(LineMessage.of("STATE", "WAIT_BLOW"));
    }

    private void enter(Phase next, Duration length) {
        phase = next;
        phaseEnds = System.nanoTime() + length.toNanos();
    }

    private void advance() throws DeviceDisconnectedException {
        if (phase == Phase.IDLE || System.nanoTime() - phaseEnds < 0) {
            return;
        }
        Scenario.Timing timing = scenario.timing();
        switch (phase) {
            case WAIT_BLOW -> {
                if (current instanceof Blow.Aborted a && a.reason() == BlowAbortReason.NO_BLOW) {
                    phase = Phase.IDLE;
                    terminal(LineMessage.of("BLOW", "ABORT", "NO_BLOW"));
                    return;
                }
                send(LineMessage.of("BLOW", "START"));
                if (current instanceof Blow.Unplug unplug) {
                    phase = Phase.IDLE;
                    if (!unplug.replugAfter().isZero()) {
                        replugAt = System.nanoTime() + unplug.replugAfter().toNanos();
                    }
                    pty.unplug();
                    log.info("Simulator unplugged mid-test{}", unplug.replugAfter().isZero() ? "" : ", back in " + unplug.replugAfter());
                    return;
                }
                boolean short_ = current instanceof Blow.Aborted;
                enter(Phase.BLOWING, short_ ? timing.blow().dividedBy(3) : timing.blow());
            }
            case BLOWING -> {
                if (current instanceof Blow.Aborted a) {
                    phase = Phase.IDLE;
                    terminal(LineMessage.of("BLOW", "ABORT", abortCode(a.reason())));
                } else if (current instanceof Blow.SensorError e) {
                    phase = Phase.IDLE;
                    terminal(LineMessage.of("ERR", e.code(), e.text()));
                } else {
                    enter(Phase.ANALYSING, timing.analysis());
                }
            }
            case ANALYSING -> {
                phase = Phase.IDLE;
                String blowMs = Long.toString(timing.blow().toMillis());
                String temp = Integer.toString(TEMPERATURE_DECI_C);
                if (current instanceof Blow.OverRange over) {
                    terminal(LineMessage.of("RESULT", "OVER", Integer.toString(over.fullScale()), blowMs, temp));
                } else {
                    int value = current instanceof Blow.Reading r ? r.microgramsPerLitre() : 0;
                    terminal(LineMessage.of("RESULT", Integer.toString(value), blowMs, temp));
                }
            }
            default -> {
            }
        }
    }

    private static String abortCode(BlowAbortReason reason) {
        return switch (reason) {
            case TOO_SHORT -> "SHORT";
            case TOO_WEAK -> "WEAK";
            case INTERRUPTED -> "INTERRUPTED";
            case SENSOR_NOT_WARM -> "NOT_WARM";
            case NO_BLOW -> "NO_BLOW";
        };
    }

    private void terminal(LineMessage m) throws DeviceDisconnectedException {
        lastTerminal = m;
        send(m);
    }

    private synchronized void send(LineMessage m) throws DeviceDisconnectedException {
        byte[] line = LineCodec.encode(m);
        if (scenario.lineNoise()) {
            link.write(garbage());
            if (linesSent % 3 == 2) {
                // Corrupt one line in three: flip the last checksum digit.
                line[line.length - 3] = (byte) (line[line.length - 3] == '0' ? '1' : '0');
            }
        }
        linesSent++;
        link.write(line);
    }

    private static final List<String> NOISE = List.of("\u0000", "\u00ff", "$", "$RES", "\n", "*", "~", "ULT,9", "\r", "#");

    private byte[] garbage() {
        StringBuilder b = new StringBuilder();
        int pieces = 1 + noise.nextInt(4);
        for (int i = 0; i < pieces; i++) {
            b.append(NOISE.get(noise.nextInt(NOISE.size())));
        }
        byte[] out = new byte[b.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) b.charAt(i);
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        pty.close();
    }
}
