package org.breathgate.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.breathgate.agent.breathtest.ResultMapper;
import org.breathgate.agent.breathtest.TestEnding;
import org.breathgate.agent.clock.ClockJumpDetector;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.evidence.EvidenceRecorder.EventFactory;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.OutboxException;
import org.breathgate.agent.outbox.OutboxStats;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.agent.publish.DownlinkListener;
import org.breathgate.agent.publish.MqttPublisher;
import org.breathgate.agent.publish.PublisherStats;
import org.breathgate.agent.status.StatusFile;
import org.breathgate.agent.status.StatusSnapshot;
import org.breathgate.agent.schedule.ScheduleCommand;
import org.breathgate.agent.schedule.ScheduleRules;
import org.breathgate.agent.schedule.ScheduleState;
import org.breathgate.agent.schedule.TestSchedule;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.MissedTest;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SupportRequest;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.breathgate.protocol.VerificationKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device agent: schedule, prompts, breath tests, signed evidence in the durable outbox, and
 * publishing, wired by plain constructors. Start with {@link #start()}, stop with {@link #close()}
 * (safe from a shutdown hook). Holds no static state, so several agents can run in one JVM.
 *
 * <p>Threads, each named for the device: the <em>agent</em> thread owns the schedule and does all
 * recording (so sequence numbers and schedule state change in one place); the <em>test</em> thread
 * talks to the breathalyser, whose calls block; the <em>publish</em> thread owns the MQTT
 * connection.
 */
public final class DeviceAgent implements AutoCloseable {

    /** The agent's version, reported in status heartbeats. */
    public static final String VERSION = "0.1.0";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
    private static final Duration SENSOR_RETRY = Duration.ofSeconds(30);
    private static final Duration STATE_PERSIST_EVERY = Duration.ofSeconds(60);
    private static final long DISK_LOW_BYTES = 50L * 1024 * 1024;
    /** How often the status file is rewritten: often enough that {@code status} is current, cheap on tmpfs or SD. */
    private static final Duration STATUS_FILE_EVERY = Duration.ofSeconds(5);
    private static final Duration STATUS_FILE_AT_LEAST = Duration.ofSeconds(60);
    /** Where {@code breathgate-agent setup} leaves the receiver's first signed configuration, in the data folder. */
    public static final String ENROLLED_CONFIG_FILE = "enrolled-config.jws";

    private final AgentConfig config;
    private final ClockSource clock;
    private final Breathalyser breathalyser;
    private final Hardware hardware;
    private final Voice voice;
    private final Outbox outbox;
    private final EvidenceRecorder recorder;
    private final MessageVerifier receiverVerifier;
    private final MessageVerifier ownVerifier;
    private final MqttPublisher publisher;
    private final org.breathgate.agent.photo.PhotoTaker photoTaker;
    private final org.breathgate.agent.photo.PhotoSender photoSender;
    private final Prompter prompter;
    private final ClockJumpDetector jumps;
    private final ScheduledExecutorService agentThread;
    private final ExecutorService testThread;
    private final long startedMono;

    // Agent thread only.
    private TestSchedule schedule;
    private ResultMapper mapper;
    private boolean testRunning;
    private Instant statePersistedAt;
    private boolean storageWarned;
    private SensorState reportedSensorProblem;
    private ScheduledFuture<?> statusTask;
    private boolean statusFileFailed;
    private StatusSnapshot lastStatusWritten;
    private Instant statusWrittenAt;

    // Read from other threads.
    private volatile SensorState sensorState = SensorState.UNKNOWN;
    private volatile SensorInfo sensorInfo;
    private volatile long configVersion;
    private volatile Duration statusInterval;
    private volatile boolean closed;
    private volatile int abstainMin;
    /** What was wrong with the camera at the last attempt, or null when it worked (or there is none). */
    private volatile String cameraFault;
    // Agent thread only: the camera fault already reported as a tamper event.
    private String reportedCameraFault;

    /**
     * Builds an agent: checks and loads the device key, the receiver keys and the outbox, and
     * restores schedule state and any stored receiver configuration. Nothing runs until {@link #start()}.
     *
     * @param hardware the breathalyser (not yet opened) and panel; the agent closes them
     * @param voice    spoken prompts ({@link Voice#silent()} when there is no synthesiser); closed by the agent
     * @param random   reconnect jitter
     * @throws KeyFileException if a key file is missing, unreadable or readable by others
     */
    public DeviceAgent(AgentConfig config, Hardware hardware, Voice voice, ClockSource clock, Random random) throws KeyFileException {
        this.config = Objects.requireNonNull(config, "config");
        this.hardware = Objects.requireNonNull(hardware, "hardware");
        this.breathalyser = hardware.breathalyser();
        this.voice = Objects.requireNonNull(voice, "voice");
        this.clock = Objects.requireNonNull(clock, "clock");
        String id = config.deviceId();
        SigningKey key = DeviceKeyFile.load(config.keyFile(), new KeyId(id, config.keyVersion()));
        MessageSigner signer = new MessageSigner(key);
        this.ownVerifier = new MessageVerifier(KeyResolver.of(key.verificationKey()));
        this.receiverVerifier = new MessageVerifier(KeyResolver.of(loadReceiverKeys(config.receiverKeys())));
        this.outbox = Outbox.open(config.outboxFile(), id, config.outboxBudgetBytes());
        try {
            this.recorder = new EvidenceRecorder(id, signer, clock, outbox);
            this.prompter = new Prompter(hardware.panel().light(), hardware.panel().buzzer(), voice, config.language());
            this.jumps = new ClockJumpDetector(config.clockJumpTolerance());
            this.startedMono = clock.monotonicMs();
            this.statusInterval = config.statusInterval();
            this.mapper = new ResultMapper(config.threshold(), config.sensor().implausibleAbove());
            ScheduleState state = outbox.state().scheduleState().map(ScheduleState::decode).orElse(ScheduleState.EMPTY);
            this.schedule = new TestSchedule(config.rules(), state);
            this.abstainMin = config.rules().schedule().abstainMin();
            restoreReceiverConfig();
            this.photoTaker = new org.breathgate.agent.photo.PhotoTaker(hardware.camera(),
                    config.photo().camera().map(org.breathgate.hardware.camera.CameraConfig::timeout)
                            .orElse(org.breathgate.hardware.camera.CameraConfig.DEFAULT_TIMEOUT), id);
            this.photoSender = new org.breathgate.agent.photo.PhotoSender(id, outbox.photos(), signer, clock::facts, config.mqtt().ackTimeout());
            this.publisher = new MqttPublisher(config.mqtt(), id, outbox, receiverVerifier, signer, this::makeStatus,
                    new Downlink(), random, photoSender);
            this.agentThread = Executors.newSingleThreadScheduledExecutor(named("breathgate-agent-" + id));
            this.testThread = Executors.newSingleThreadExecutor(named("breathgate-test-" + id));
        } catch (RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    private static VerificationKey[] loadReceiverKeys(Map<Integer, Path> files) throws KeyFileException {
        List<VerificationKey> keys = new ArrayList<>();
        for (Map.Entry<Integer, Path> e : files.entrySet()) {
            try {
                keys.add(VerificationKey.fromPem(KeyId.receiver(e.getKey()), Files.readString(e.getValue(), StandardCharsets.US_ASCII)));
            } catch (IOException | IllegalArgumentException ex) {
                throw new KeyFileException("receiver key " + e.getKey() + " at " + e.getValue() + " cannot be used: " + ex.getMessage(), ex);
            }
        }
        return keys.toArray(VerificationKey[]::new);
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts ticking, listening to buttons, opening the sensor and publishing. */
    public void start() {
        breathalyser.buttons().ifPresent(b -> b.addListener(this::pressed));
        hardware.panel().buttons().addListener(this::pressed);
        publisher.start();
        testThread.execute(this::openSensor);
        agentThread.scheduleWithFixedDelay(guarded(this::tick), 0, config.tickInterval().toMillis(), TimeUnit.MILLISECONDS);
        agentThread.execute(this::scheduleStatus);
        agentThread.scheduleWithFixedDelay(guarded(() -> writeStatusFile(true)), 0, STATUS_FILE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Device agent {} started (outbox {}, last seq {}, config version {})", config.deviceId(), outbox.file(),
                outbox.stats().lastSeq(), configVersion);
    }

    /** As if the parent pressed "start test". */
    public void requestTest() {
        pressed(Button.START_TEST, clock.wall());
    }

    /** As if the parent pressed "I need support". */
    public void requestSupport() {
        pressed(Button.SUPPORT, clock.wall());
    }

    /** A snapshot for the technician CLI and the demo; safe from any thread. */
    public AgentStatus status() {
        Optional<Reading> last = outbox.lastReading().flatMap(this::decodeOwnReading);
        return new AgentStatus(config.deviceId(), outbox.stats(), publisher.stats(), sensorState, configVersion, last, warnings());
    }

    /**
     * Runs one breath test now, as the start button would, and waits for its reading to be stored.
     *
     * @return the reading (a pass, a positive, an aborted or invalid attempt), or empty if none was
     *     stored within {@code timeout} (the sensor is missing, or the parent never blew)
     */
    public Optional<Reading> runTestNow(Duration timeout) throws InterruptedException {
        long before = outbox.lastReading().flatMap(this::decodeOwnReading).map(Reading::seq).orElse(0L);
        requestTest();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end && !closed) {
            Optional<Reading> last = outbox.lastReading().flatMap(this::decodeOwnReading);
            if (last.isPresent() && last.get().seq() > before) {
                return last;
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    /** Photos kept on the device (waiting to be sent, or for the receiver's answer) and their bytes. */
    public org.breathgate.agent.outbox.PhotoStats photoStats() {
        return outbox.photos().stats();
    }

    /** Photos the receiver has answered for for good (stored, or refused) since start, and so deleted here. */
    public long photosAnswered() {
        return photoSender.photosDone();
    }

    /** The outbox's counters (depth, bytes, budget, last sequence number). */
    public OutboxStats outboxStats() {
        return outbox.stats();
    }

    private Optional<Reading> decodeOwnReading(String compact) {
        try {
            SignedMessage m = ownVerifier.verify(compact, config.deviceId());
            return m.message() instanceof Reading r ? Optional.of(r) : Optional.empty();
        } catch (InvalidMessageException e) {
            LOG.error("The stored last reading does not verify with this device's key: {}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Device agent {} stopping", config.deviceId());
        agentThread.shutdown();
        try {
            if (!agentThread.awaitTermination(5, TimeUnit.SECONDS)) {
                agentThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        breathalyser.close(); // ends a running test promptly
        testThread.shutdownNow();
        try {
            testThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        photoTaker.close();
        writeStatusFile(false);
        hardware.panel().close();
        voice.close();
        outbox.close();
    }

    private void writeStatusFile(boolean running) {
        try {
            PublisherStats p = publisher.stats();
            SensorInfo info = sensorInfo;
            Instant now = clock.wall();
            StatusSnapshot s = new StatusSnapshot(now, ProcessHandle.current().pid(), running,
                    config.deviceId(), VERSION, config.mqtt().brokerUri().toString(), p.connected(), p.connects(),
                    Optional.ofNullable(p.lastAck()), p.inFlight(), sensorState.wireName(),
                    Optional.ofNullable(info).map(SensorInfo::model), Optional.ofNullable(info).map(SensorInfo::serialNumber),
                    Optional.ofNullable(info).flatMap(SensorInfo::calibrationDue), clock.synced(), configVersion, warnings());
            // Checked every few seconds, written only when something changed or a minute has passed:
            // the file lives on the SD card, which should not take a write every few seconds for months.
            StatusSnapshot comparable = new StatusSnapshot(Instant.EPOCH, s.pid(), s.running(), s.deviceId(), s.version(), s.brokerUri(),
                    s.connected(), s.connects(), s.lastAck(), s.inFlight(), s.sensorState(), s.sensorModel(), s.sensorSerial(),
                    s.calibrationDue(), s.clockSynced(), s.configVersion(), s.warnings());
            if (comparable.equals(lastStatusWritten) && statusWrittenAt != null
                    && Duration.between(statusWrittenAt, now).abs().compareTo(STATUS_FILE_AT_LEAST) < 0) {
                return;
            }
            StatusFile.write(config.statusFile(), s);
            lastStatusWritten = comparable;
            statusWrittenAt = now;
            statusFileFailed = false;
        } catch (IOException | RuntimeException e) {
            if (!statusFileFailed) {
                statusFileFailed = true;
                LOG.warn("Cannot write the status file {} ({}); 'breathgate-agent status' will show old figures", config.statusFile(),
                        e.toString());
            }
        }
    }

    // ---- agent thread ----------------------------------------------------------------------

    private Runnable guarded(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                // A failing tick must not stop the schedule for good.
                LOG.error("Agent task failed; carrying on", e);
            }
        };
    }

    private void pressed(Button button, Instant at) {
        if (closed) {
            return;
        }
        hardware.panel().buzzer().play(BeepPattern.CLICK);
        agentThread.execute(guarded(() -> {
            if (button == Button.SUPPORT) {
                supportPressed();
            } else {
                startPressed();
            }
        }));
    }

    private void supportPressed() {
        record(List.of((seq, facts) -> new SupportRequest(config.deviceId(), seq, facts)), null);
        prompter.show(Prompt.SUPPORT_SENT);
    }

    private void startPressed() {
        if (testRunning) {
            LOG.info("Start pressed while a test is running; ignored");
            return;
        }
        ScheduleCommand.StartTest start = schedule.startRequested(clock.wall());
        testRunning = true;
        testThread.execute(() -> runTest(start.reason()));
    }

    private void tick() {
        if (testRunning || closed) {
            return; // a window must not close under a test in progress; the next tick catches up
        }
        Instant now = clock.wall();
        long mono = clock.monotonicMs();
        Optional<ClockJumpDetector.Jump> jump = jumps.observe(now, mono);
        ScheduleState before = schedule.state();
        List<ScheduleCommand> commands;
        List<EventFactory> events = new ArrayList<>();
        if (jump.isPresent()) {
            ClockJumpDetector.Jump j = jump.get();
            LOG.warn("Wall clock jumped by {} s (expected {}, found {})", j.size().toSeconds(), j.expected(), j.actual());
            events.add((seq, facts) -> new TamperEvent(config.deviceId(), seq, facts, TamperKind.CLOCK_JUMP,
                    "wall clock moved " + j.size().toSeconds() + " s beyond monotonic time: expected " + j.expected()
                            + ", found " + j.actual()));
            commands = schedule.clockJumped(now);
        } else {
            commands = schedule.tick(now);
        }
        for (ScheduleCommand c : commands) {
            if (c instanceof ScheduleCommand.RecordMissed m) {
                events.add(missed(m));
            }
        }
        ScheduleState after = schedule.state();
        boolean changed = !withoutTick(before).equals(withoutTick(after));
        boolean persistDue = statePersistedAt == null || Duration.between(statePersistedAt, now).abs().compareTo(STATE_PERSIST_EVERY) >= 0;
        if (!events.isEmpty() || changed || persistDue) {
            try {
                recorder.record(events, after::encode);
                statePersistedAt = now;
            } catch (OutboxException e) {
                schedule = new TestSchedule(schedule.rules(), before);
                LOG.error("Could not store schedule events; will retry on the next tick", e);
                return;
            }
            if (!events.isEmpty()) {
                publisher.wakeUp();
            }
        }
        commands.forEach(this::act);
        checkStorage();
    }

    private static ScheduleState withoutTick(ScheduleState s) {
        return new ScheduleState(null, s.resolvedThrough(), s.open(), s.late(), s.chain());
    }

    private EventFactory missed(ScheduleCommand.RecordMissed m) {
        return (seq, facts) -> new MissedTest(config.deviceId(), seq, facts, m.reason(), m.opened(), m.closed(), m.abortedAttempts());
    }

    private void act(ScheduleCommand c) {
        int abstain = schedule.rules().schedule().abstainMin();
        if (c instanceof ScheduleCommand.WindowOpened) {
            prompter.showWithAbstain(Prompt.WINDOW_OPEN, abstain);
        } else if (c instanceof ScheduleCommand.Remind r) {
            prompter.show(Prompt.REMINDER, r.minutesLeft());
        } else if (c instanceof ScheduleCommand.RetestDue) {
            prompter.showWithAbstain(Prompt.RETEST_DUE, abstain);
        } else if (c instanceof ScheduleCommand.RecordMissed m && m.reason() instanceof TestReason.Scheduled
                && !schedule.rules().lateGrace().isZero()) {
            prompter.show(Prompt.MISSED);
        }
    }

    private void record(List<EventFactory> events, java.util.function.Supplier<String> state) {
        recorder.record(events, state);
        publisher.wakeUp();
    }

    /**
     * Records a finished attempt with the schedule's reaction, and its photo (the reading signs the
     * photo's hash, or says why there is none), in one transaction; then prompts.
     */
    private void recordTest(TestReason reason, TestEnding ending, org.breathgate.agent.photo.PhotoTaker.Shot shot) {
        Instant now = clock.wall();
        ScheduleState before = schedule.state();
        List<ScheduleCommand> follow = new ArrayList<>();
        List<EventFactory> events = new ArrayList<>();
        byte[] jpeg = null;
        org.breathgate.protocol.ReadingPhoto statement;
        if (shot.jpeg() == null) {
            statement = new org.breathgate.protocol.ReadingPhoto.NotTaken(shot.absence());
        } else if (outbox.photos().stats().bytes() + shot.jpeg().length > config.photo().outboxBudgetBytes()) {
            LOG.error("The photo of this test is not kept: photos waiting on the device already take {} bytes of their {} byte"
                    + " budget. The reading says storage_full.", outbox.photos().stats().bytes(), config.photo().outboxBudgetBytes());
            statement = new org.breathgate.protocol.ReadingPhoto.NotTaken(org.breathgate.protocol.PhotoAbsence.STORAGE_FULL);
        } else {
            jpeg = shot.jpeg();
            statement = org.breathgate.protocol.photo.Photos.statementOf(jpeg);
        }
        cameraProblem(shot);
        events.add((seq, facts) -> {
            Reading r = ending.toReading(config.deviceId(), seq, facts, reason).withPhoto(statement);
            follow.addAll(schedule.readingRecorded(seq, reason, ending.outcome(), now));
            return r;
        });
        for (TestEnding.Tamper t : ending.tampers()) {
            events.add((seq, facts) -> new TamperEvent(config.deviceId(), seq, facts, t.kind(), t.detail()));
        }
        try {
            recorder.record(events, () -> schedule.state().encode(), jpeg == null ? -1 : 0, jpeg);
            publisher.wakeUp();
        } catch (OutboxException e) {
            schedule = new TestSchedule(schedule.rules(), before);
            LOG.error("A test result could not be stored", e);
            prompter.show(Prompt.STORAGE_LOW);
            return;
        }
        List<EventFactory> later = new ArrayList<>();
        for (ScheduleCommand c : follow) {
            if (c instanceof ScheduleCommand.RecordMissed m) {
                later.add(missed(m));
            }
        }
        if (!later.isEmpty()) {
            record(later, () -> schedule.state().encode());
        }
        promptResult(ending, follow);
    }

    private void promptResult(TestEnding ending, List<ScheduleCommand> follow) {
        if (!ending.valid()) {
            prompter.show(ending.retryPrompt() == null ? Prompt.ABORT_INTERRUPTED : ending.retryPrompt());
            return;
        }
        if (ending.outcome() == Outcome.PASS) {
            boolean cleared = follow.stream().anyMatch(c -> c instanceof ScheduleCommand.ChainCleared);
            prompter.show(cleared ? Prompt.CHAIN_CLEARED : Prompt.RESULT_RECORDED);
            return;
        }
        Optional<ScheduleCommand.RetestScheduled> retest = follow.stream()
                .filter(ScheduleCommand.RetestScheduled.class::isInstance).map(ScheduleCommand.RetestScheduled.class::cast).findFirst();
        if (retest.isPresent()) {
            prompter.show(Prompt.RESULT_POSITIVE, retest.get().delayMinutes());
        } else {
            prompter.show(Prompt.RESULT_POSITIVE_NO_RETEST);
        }
    }

    /** A camera fault becomes one tamper event per change into a fault (not one per test), and a status warning. */
    private void cameraProblem(org.breathgate.agent.photo.PhotoTaker.Shot shot) {
        if (shot.jpeg() != null) {
            cameraFault = null;
            reportedCameraFault = null;
            return;
        }
        if (!shot.cameraFault()) {
            return; // no camera, or no blow: nothing is wrong with the camera
        }
        cameraFault = shot.absence().wireName();
        if (!cameraFault.equals(reportedCameraFault)) {
            reportedCameraFault = cameraFault;
            recordTamper(TamperKind.CAMERA_FAULT, "no photo (" + cameraFault + "): " + shot.detail());
        }
    }

    private void recordTamper(TamperKind kind, String detail) {
        String d = detail.length() > 500 ? detail.substring(0, 497) + "..." : detail;
        record(List.of((seq, facts) -> new TamperEvent(config.deviceId(), seq, facts, kind, d)), null);
    }

    private void checkStorage() {
        OutboxStats s = outbox.stats();
        if (s.nearlyFull() && !storageWarned) {
            storageWarned = true;
            LOG.error("Outbox {} is at {}% of its {} byte budget ({} events waiting). Nothing is dropped, but the device"
                    + " needs a connection to the receiver.", outbox.file(), Math.round(s.budgetUsed() * 100), s.budgetBytes(), s.depth());
            prompter.show(Prompt.STORAGE_LOW);
            publisher.publishStatus(makeStatus(true));
        } else if (storageWarned && s.budgetUsed() < 0.75) {
            storageWarned = false;
            LOG.info("Outbox back under 75% of its budget");
        }
    }

    private void scheduleStatus() {
        if (statusTask != null) {
            statusTask.cancel(false);
        }
        long ms = statusInterval.toMillis();
        statusTask = agentThread.scheduleAtFixedRate(guarded(() -> publisher.publishStatus(makeStatus(true))), ms, ms,
                TimeUnit.MILLISECONDS);
    }

    // ---- configuration from the receiver ---------------------------------------------------

    private void restoreReceiverConfig() {
        Optional<String> stored = outbox.state().receiverConfig();
        if (stored.isEmpty()) {
            stored = enrolledConfig();
        }
        if (stored.isEmpty()) {
            return;
        }
        try {
            SignedMessage m = receiverVerifier.verify(stored.get(), KeyId.RECEIVER);
            if (m.message() instanceof ConfigUpdate u && u.deviceId().equals(config.deviceId())) {
                apply(u);
            }
        } catch (InvalidMessageException e) {
            LOG.error("The stored receiver configuration no longer verifies ({}); using the local file's until a new one arrives",
                    e.getMessage());
        }
    }

    /** The configuration the receiver gave at enrollment, stored in the outbox on first use. */
    private Optional<String> enrolledConfig() {
        Path file = config.dataDir().resolve(ENROLLED_CONFIG_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String compact = Files.readString(file, StandardCharsets.US_ASCII).strip();
            SignedMessage m = receiverVerifier.verify(compact, KeyId.RECEIVER);
            if (m.message() instanceof ConfigUpdate u && u.deviceId().equals(config.deviceId())) {
                outbox.state().saveReceiverConfig(compact);
                return Optional.of(compact);
            }
            LOG.warn("{} is not a configuration for {}; ignored", file, config.deviceId());
        } catch (IOException | InvalidMessageException e) {
            LOG.warn("The enrollment configuration {} cannot be used ({}); waiting for one from the receiver", file, e.getMessage());
        }
        return Optional.empty();
    }

    private void configReceived(ConfigUpdate update, SignedMessage signed) {
        if (update.version() <= configVersion) {
            LOG.info("Ignoring configuration version {}: version {} is in use", update.version(), configVersion);
            return;
        }
        outbox.state().saveReceiverConfig(signed.compact());
        apply(update);
        scheduleStatus();
        publisher.publishStatus(makeStatus(true));
        LOG.info("Configuration version {} from the receiver is in use", update.version());
    }

    private void apply(ConfigUpdate u) {
        ScheduleRules rules = schedule.rules().withSchedule(u.schedule());
        schedule.replaceRules(rules);
        mapper = new ResultMapper(u.threshold(), config.sensor().implausibleAbove());
        prompter.setLanguage(u.language());
        statusInterval = Duration.ofSeconds(u.statusIntervalSeconds());
        abstainMin = u.schedule().abstainMin();
        configVersion = u.version();
    }

    private final class Downlink implements DownlinkListener {
        @Override
        public void configReceived(ConfigUpdate config, SignedMessage signed) {
            if (!closed) {
                agentThread.execute(guarded(() -> DeviceAgent.this.configReceived(config, signed)));
            }
        }

        @Override
        public void configRejected(String detail) {
            LOG.warn("A configuration message failed verification and was not used: {}", detail);
            if (!closed) {
                agentThread.execute(guarded(() -> recordTamper(TamperKind.CONFIG_REJECTED, "configuration not used: " + detail)));
            }
        }
    }

    // ---- test thread -----------------------------------------------------------------------

    private void openSensor() {
        if (closed || sensorInfo != null) {
            return;
        }
        try {
            breathalyser.open(Duration.ofSeconds(10));
            breathalyser.selfTest(Duration.ofSeconds(10));
            sensorInfo = breathalyser.sensorInfo();
            sensorState = SensorState.READY;
            LOG.info("Breathalyser {} {} ready", sensorInfo.model(), sensorInfo.serialNumber());
        } catch (HardwareException e) {
            SensorState state = e instanceof DeviceDisconnectedException || e instanceof DeviceTimeoutException
                    ? SensorState.DISCONNECTED : SensorState.FAULT;
            sensorState = state;
            LOG.warn("Breathalyser not usable ({}); trying again in {} s", e.getMessage(), SENSOR_RETRY.toSeconds());
            agentThread.execute(guarded(() -> sensorProblem(state, e.getMessage())));
            if (!closed) {
                agentThread.schedule(() -> testThread.execute(this::openSensor), SENSOR_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Opening the breathalyser failed", e);
        }
    }

    /** Records a tamper event once per change into a problem state, not once per retry. */
    private void sensorProblem(SensorState state, String detail) {
        if (state == reportedSensorProblem) {
            return;
        }
        reportedSensorProblem = state;
        recordTamper(state == SensorState.DISCONNECTED ? TamperKind.SENSOR_DISCONNECTED : TamperKind.SENSOR_FAULT,
                "breathalyser " + state.wireName() + ": " + detail);
        prompter.show(Prompt.SENSOR_PROBLEM);
    }

    private void runTest(TestReason reason) {
        try {
            prompter.show(Prompt.ABSTAIN, abstainMin);
            if (sensorInfo == null) {
                openSensor();
            }
            SensorInfo info = sensorInfo;
            if (info == null) {
                agentThread.execute(guarded(() -> {
                    recordTamper(TamperKind.SENSOR_DISCONNECTED, "a test was asked for (" + describe(reason)
                            + ") but the breathalyser is not connected");
                    prompter.show(Prompt.SENSOR_PROBLEM);
                }));
                return;
            }
            org.breathgate.agent.photo.PhotoTaker.Pending[] photo = new org.breathgate.agent.photo.PhotoTaker.Pending[1];
            TestEnding ending = measure(info, photo);
            org.breathgate.agent.photo.PhotoTaker.Shot shot;
            if (photo[0] != null) {
                shot = photo[0].await();
            } else if (photoTaker.enabled() && ending.valid()) {
                // A driver without flow detection never says "blow detected": photograph at the result.
                prompter.show(Prompt.LOOK_AT_CAMERA);
                shot = photoTaker.start().await();
            } else {
                shot = photoTaker.noBlow();
            }
            if (ending.tampers().stream().anyMatch(t -> t.kind() == TamperKind.SENSOR_DISCONNECTED)) {
                sensorState = SensorState.DISCONNECTED;
            } else {
                sensorState = SensorState.READY;
            }
            CompletableFuture<Void> stored = new CompletableFuture<>();
            agentThread.execute(() -> {
                try {
                    recordTest(reason, ending, shot);
                    stored.complete(null);
                } catch (RuntimeException e) {
                    stored.completeExceptionally(e);
                }
            });
            stored.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.error("A breath test could not be completed and recorded", e);
        } finally {
            if (!closed) {
                agentThread.execute(() -> testRunning = false);
            }
        }
    }

    private TestEnding measure(SensorInfo info, org.breathgate.agent.photo.PhotoTaker.Pending[] photo) throws InterruptedException {
        ResultMapper m = mapper;
        try {
            breathalyser.awaitReady(Duration.ofSeconds(1));
        } catch (DeviceTimeoutException e) {
            sensorState = SensorState.WARMING_UP;
            prompter.show(Prompt.WARMING_UP);
            try {
                breathalyser.awaitReady(config.sensor().warmUpTimeout());
            } catch (DeviceTimeoutException still) {
                return m.notWarm(info);
            } catch (HardwareException other) {
                return m.map(new TestEvent.Error(other), info);
            }
        } catch (HardwareException e) {
            return m.map(new TestEvent.Error(e), info);
        }
        TestEvent.Terminal end = breathalyser.runTest(config.sensor().testTimeout(), event -> {
            if (event instanceof TestEvent.WaitingForBlow) {
                prompter.show(photoTaker.enabled() ? Prompt.BLOW_NOW_CAMERA : Prompt.BLOW_NOW);
            } else if (event instanceof TestEvent.BlowDetected && photoTaker.enabled() && photo[0] == null) {
                // The moment of the blow: light and voice say a photo is being taken; the camera runs on its own thread.
                prompter.show(Prompt.LOOK_AT_CAMERA);
                photo[0] = photoTaker.start();
            }
        });
        return m.map(end, info);
    }

    private static String describe(TestReason reason) {
        if (reason instanceof TestReason.Scheduled s) {
            return "scheduled for " + s.slot() + (s.late() ? ", late" : "");
        }
        if (reason instanceof TestReason.Retest r) {
            return "retest " + r.attempt() + " of reading " + r.of();
        }
        return "on demand";
    }

    // ---- status ------------------------------------------------------------------------------

    private List<String> warnings() {
        List<String> w = new ArrayList<>();
        OutboxStats s = outbox.stats();
        if (s.nearlyFull()) {
            w.add("outbox_over_80_percent");
        }
        if (s.deadLetters() > 0) {
            w.add("quarantined_events");
        }
        if (!clock.synced()) {
            w.add("clock_unsynchronised");
        }
        if (diskFree() < DISK_LOW_BYTES) {
            w.add("disk_low");
        }
        if (sensorState != SensorState.READY) {
            w.add("sensor_" + sensorState.wireName());
        }
        SensorInfo info = sensorInfo;
        if (info != null && info.calibrationOverdue(LocalDate.ofInstant(clock.wall(), ZoneOffset.UTC))) {
            w.add("calibration_overdue");
        }
        if (config.voice() && !voice.audible()) {
            w.add("voice_unavailable");
        }
        if (cameraFault != null) {
            w.add("camera_fault");
        }
        return w;
    }

    private long diskFree() {
        try {
            return Files.getFileStore(config.dataDir()).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private DeviceStatus makeStatus(boolean online) {
        OutboxStats s = outbox.stats();
        SensorInfo info = sensorInfo;
        long uptime = Math.max(0, (clock.monotonicMs() - startedMono) / 1000);
        return new DeviceStatus(config.deviceId(), clock.facts(), online, uptime, s.lastSeq(), s.depth(), s.bytes(),
                s.budgetBytes(), diskFree(), sensorState, info == null ? null : info.calibrationDue().orElse(null), VERSION,
                configVersion, warnings());
    }
}
