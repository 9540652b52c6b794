package org.breathgate.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.breathgate.agent.breathtest.SensorLink;
import org.breathgate.agent.buttons.Gestures;
import org.breathgate.agent.buttons.ParentButtons;
import org.breathgate.agent.clock.AgentTimer;
import org.breathgate.agent.breathtest.TestRunner;
import org.breathgate.agent.clock.ClockJumpDetector;
import org.breathgate.agent.clock.ClockMemory;
import org.breathgate.agent.enroll.BrokerLoginRenewal;
import org.breathgate.agent.enroll.EnrollmentException;
import org.breathgate.agent.publish.LoginRenewal;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.config.ConfigUpdates;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.OutboxStats;
import org.breathgate.agent.outbox.PhotoStats;
import org.breathgate.agent.photo.PhotoKeeper;
import org.breathgate.agent.photo.PhotoSender;
import org.breathgate.agent.photo.PhotoTaker;
import org.breathgate.agent.prompt.LightKeeper;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.agent.publish.DownlinkListener;
import org.breathgate.agent.publish.MqttPublisher;
import org.breathgate.agent.publish.PublisherStats;
import org.breathgate.agent.schedule.ScheduleKeeper;
import org.breathgate.agent.schedule.ScheduleState;
import org.breathgate.agent.schedule.TestSchedule;
import org.breathgate.agent.status.StatusReporter;
import org.breathgate.agent.support.SupportDesk;
import org.breathgate.hardware.BeepPattern;
import org.breathgate.hardware.Button;
import org.breathgate.hardware.LightColour;
import org.breathgate.hardware.LightPattern;
import org.breathgate.hardware.camera.CameraConfig;
import org.breathgate.protocol.ConfigUpdate;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.SigningKey;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;
import org.breathgate.protocol.TestReason;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.VerificationKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device agent: schedule, prompts, breath tests, signed evidence in the durable outbox, and
 * publishing, wired by plain constructors. Start with {@link #start()}, stop with {@link #close()}
 * (safe from a shutdown hook). Holds no static state, so several agents can run in one JVM.
 *
 * <p>Each job has its own class: {@link ScheduleKeeper} (the schedule and its prompts),
 * {@link TestRunner} and {@link SensorLink} (a breath test and the breathalyser), {@link PhotoKeeper}
 * (a reading's photo), {@link ConfigUpdates} (the receiver's configuration), {@link StatusReporter}
 * (heartbeats and the status file), {@link MqttPublisher} (sending and the receiver's acks),
 * {@link SupportDesk} (the help button's menu, support requests and the service's replies),
 * {@link Gestures} and {@link ParentButtons} (what a press of each button does), {@link LightKeeper}
 * (what the light shows when no prompt's light is held). This class builds them, owns their threads
 * and answers for the agent as a whole.
 *
 * <p>Threads, each named for the device: the <em>agent</em> thread owns the schedule and does all
 * recording (so sequence numbers and schedule state change in one place); the <em>test</em> thread
 * talks to the breathalyser, whose calls block; the <em>publish</em> thread owns the MQTT
 * connection.
 */
public final class DeviceAgent implements AutoCloseable {

    /** The agent's version, reported in status heartbeats. */
    public static final String VERSION = "0.1.0";

    /** Where {@code breathgate-agent setup} leaves the receiver's first signed configuration, in the data folder. */
    public static final String ENROLLED_CONFIG_FILE = "enrolled-config.jws";
    /** The clock's last look, kept across restarts in the data folder ({@link ClockMemory}). */
    public static final String CLOCK_MEMORY_FILE = "clock-memory";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceAgent.class);
    /** How often the status file is checked: often enough that {@code status} is current (it is written only on change). */
    private static final Duration STATUS_FILE_EVERY = Duration.ofSeconds(5);
    /** How often the agent thread asks whether events stored unsigned are due for another signing try (the recorder's backoff decides). */
    private static final Duration SIGNING_RETRY_CHECK = Duration.ofSeconds(1);

    private final AgentConfig config;
    private final ClockSource clock;
    private final Hardware hardware;
    private final Voice voice;
    private final Outbox outbox;
    private final MessageVerifier ownVerifier;
    private final EvidenceRecorder recorder;
    private final Prompter prompter;
    private final ScheduledExecutorService agentThread;
    private final ScheduledExecutorService testThread;
    private final PhotoTaker photoTaker;
    private final PhotoSender photoSender;
    private final SensorLink sensor;
    private final ScheduleKeeper schedule;
    private final TestRunner tests;
    private final ConfigUpdates configs;
    private final StatusReporter status;
    private final MqttPublisher publisher;
    private final ClockMemory clockMemory;
    private final LightKeeper light;
    private final SupportDesk support;
    private final Gestures gestures;

    // Agent thread only.
    private ScheduledFuture<?> heartbeats;
    // Read from other threads.
    private volatile Duration statusInterval;
    private volatile boolean closed;

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
        this.voice = Objects.requireNonNull(voice, "voice");
        this.clock = Objects.requireNonNull(clock, "clock");
        String id = config.deviceId();
        // A TPM that does not answer at start is no reason not to run: events are kept unsigned until it does.
        SigningKey key = DeviceKeyFile.load(config.keyFile(), new KeyId(id, config.keyVersion()), true);
        MessageSigner signer = new MessageSigner(key);
        this.ownVerifier = new MessageVerifier(KeyResolver.of(key.verificationKey()));
        MessageVerifier receiverVerifier = new MessageVerifier(KeyResolver.of(loadReceiverKeys(config.receiverKeys())));
        this.outbox = Outbox.open(config.outboxFile(), id, config.outboxBudgetBytes());
        try {
            this.recorder = new EvidenceRecorder(id, signer, clock, outbox, this::wakePublisher);
            this.light = new LightKeeper(hardware.panel().light(), clock::monotonicMs, this::standingLight);
            this.prompter = new Prompter(light, hardware.panel().buzzer(), voice, config.language(),
                    config.parent().audioLanguage().orElse(null), config.parent().speakResults(), clock::wall, this::zone);
            this.agentThread = Executors.newSingleThreadScheduledExecutor(named("breathgate-agent-" + id));
            this.testThread = Executors.newSingleThreadScheduledExecutor(named("breathgate-test-" + id));
            this.statusInterval = config.statusInterval();
            ScheduleState state = outbox.state().scheduleState().map(ScheduleState::decode).orElse(ScheduleState.EMPTY);
            this.clockMemory = new ClockMemory(config.dataDir().resolve(CLOCK_MEMORY_FILE), config.clockJumpTolerance());
            this.schedule = new ScheduleKeeper(new TestSchedule(config.rules(), state), new ClockJumpDetector(config.clockJumpTolerance()),
                    recorder, prompter);
            this.photoTaker = new PhotoTaker(hardware.camera(),
                    config.photo().camera().map(CameraConfig::timeout).orElse(CameraConfig.DEFAULT_TIMEOUT), id);
            PhotoKeeper photos = new PhotoKeeper(outbox.photos(), config.photo().outboxBudgetBytes(), recorder);
            this.sensor = new SensorLink(hardware.breathalyser(), recorder, prompter, this::onAgentThread, testThread, this::stopping);
            this.tests = new TestRunner(config.sensor(), config.threshold(), clock, sensor, photoTaker, photos, schedule, recorder,
                    prompter, this::onAgentThread, testThread, this::stopping);
            this.configs = new ConfigUpdates(id, receiverVerifier, outbox.state(), config.dataDir().resolve(ENROLLED_CONFIG_FILE),
                    recorder, this::use, clock::monotonicMs);
            configs.restore();
            this.status = new StatusReporter(config, VERSION, clock, outbox, sensor, voice, prompter, photos::cameraFault,
                    configs::version, this::publisherStats, this::publishStatus);
            this.photoSender = new PhotoSender(id, outbox.photos(), signer, clock::facts, config.mqtt().ackTimeout());
            AgentTimer timer = this::later;
            this.support = new SupportDesk(id, recorder, outbox.support(), prompter, light, clock, timer, config.parent().menuStep(),
                    this::zone);
            ParentButtons buttons = new ParentButtons(tests, schedule, support, prompter, clock);
            this.gestures = new Gestures(timer, config.parent().doublePress(), buttons::gesture);
            this.publisher = new MqttPublisher(config.mqtt(), id, outbox, receiverVerifier, signer, status::heartbeat,
                    new Downlink(), random, photoSender, config.dataDir().resolve(BrokerLoginRenewal.RENEWED_FILE),
                    loginRenewal(config, key, clock));
        } catch (RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    /**
     * How a login the broker refuses is replaced: a request signed with the device key to the receiver the device enrolled
     * with; none for a device set up without {@code receiver.url}.
     */
    private static LoginRenewal loginRenewal(AgentConfig config, SigningKey key, ClockSource clock) {
        if (config.enrollment().isEmpty()) {
            return null;
        }
        BrokerLoginRenewal renewal = new BrokerLoginRenewal(config.enrollment().get(), config.deviceId(), key,
                config.dataDir().resolve(BrokerLoginRenewal.RENEWED_FILE), clock::wall, Duration.ofSeconds(20), config.keyFile());
        return () -> {
            try {
                renewal.renew();
                return true;
            } catch (EnrollmentException | IOException e) {
                LOG.error("Asking the receiver for a new broker login failed: {}", e.getMessage());
                return false;
            }
        };
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

    private static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts ticking, listening to buttons, opening the sensor and publishing. */
    public void start() {
        hardware.breathalyser().buttons().ifPresent(b -> b.addListener(this::pressed));
        hardware.panel().buttons().addListener(this::pressed);
        publisher.start();
        agentThread.execute(guarded(this::checkClockSinceLastRun));
        testThread.execute(sensor::open);
        agentThread.scheduleWithFixedDelay(guarded(this::tick), 0, config.tickInterval().toMillis(), TimeUnit.MILLISECONDS);
        agentThread.execute(this::scheduleHeartbeats);
        agentThread.scheduleWithFixedDelay(guarded(() -> status.writeFile(true)), 0, STATUS_FILE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        agentThread.scheduleWithFixedDelay(guarded(recorder::retrySigning), 0, SIGNING_RETRY_CHECK.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Device agent {} started (outbox {}, last seq {}, config version {})", config.deviceId(), outbox.file(),
                outbox.stats().lastSeq(), configs.version());
    }

    /**
     * Starts the test that is due, or one on demand, at once: what the technician's {@code breathgate-agent test}
     * asks for. (The parent's test button goes through the gestures: a single press when no test is due first
     * says when the next one is.)
     */
    public void requestTest() {
        if (!closed) {
            onAgentThread(tests::startPressed);
        }
    }

    /** As if the parent pressed the help button: opens the spoken help menu (or chooses in it). */
    public void requestSupport() {
        pressed(Button.SUPPORT, clock.wall());
    }

    /** Records a support request for {@code need}, as if the parent had chosen it in the help menu. */
    public void requestSupport(SupportNeed need) {
        if (!closed) {
            onAgentThread(() -> support.request(need));
        }
    }

    /** A snapshot for the technician CLI and the demo; safe from any thread. */
    public AgentStatus status() {
        Optional<Reading> last = outbox.lastReading().flatMap(this::decodeOwnReading);
        return new AgentStatus(config.deviceId(), outbox.stats(), publisher.stats(), sensor.state(), configs.version(), last,
                status.warnings());
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
    public PhotoStats photoStats() {
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
        sensor.close(); // ends a running test promptly
        testThread.shutdownNow();
        try {
            testThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
        photoTaker.close();
        status.writeFile(false);
        hardware.panel().close();
        voice.close();
        outbox.close();
    }

    // ---- agent thread ----------------------------------------------------------------------

    private boolean stopping() {
        return closed;
    }

    /** Runs {@code task} on the agent thread; a failure is logged there and the agent carries on. */
    private void onAgentThread(Runnable task) {
        agentThread.execute(guarded(task));
    }

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
        onAgentThread(() -> gestures.pressed(button));
    }

    /** Runs {@code task} on the agent thread after {@code delay}: the help menu's steps, the double-press wait. */
    private AgentTimer.Scheduled later(Duration delay, Runnable task) {
        try {
            ScheduledFuture<?> f = agentThread.schedule(guarded(() -> {
                if (!closed) {
                    task.run();
                }
            }), delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return () -> { }; // stopping
        }
    }

    /** A wall clock set back while the agent was not running (across a reboot, or a restart) is a tamper event. */
    private void checkClockSinceLastRun() {
        clockMemory.checkAtStart(clock.facts()).ifPresent(detail -> {
            LOG.warn("Clock jump since the agent last ran: {}", detail);
            recorder.recordTamper(TamperKind.CLOCK_JUMP, detail);
        });
    }

    private void tick() {
        clockMemory.remember(clock.facts());
        if (tests.running() || closed) {
            return; // a window must not close under a test in progress; the next tick catches up
        }
        Instant now = clock.wall();
        if (schedule.tick(now, clock.monotonicMs())) {
            status.checkStorage();
        }
        light.refresh();
    }

    /** The schedule's time zone (days and times are said in it); before the schedule exists, the configured one. */
    private java.time.ZoneId zone() {
        ScheduleKeeper s = schedule;
        return s != null ? s.zone() : config.rules().schedule().zone();
    }

    /**
     * What the light shows when no prompt's light is held (docs/agent.md, "The light"), most pressing first: the
     * help menu; a breathalyser problem; a test due; a help request on its way or answered; a retest coming; else
     * "on, nothing to do". Empty during a breath test, whose prompts follow one another. Agent thread.
     */
    private Optional<LightKeeper.Light> standingLight() {
        if (tests.running()) {
            return Optional.empty();
        }
        if (support.menuOpen()) {
            return support.standing();
        }
        SensorState sensorState = sensor.state();
        if (sensorState == SensorState.DISCONNECTED || sensorState == SensorState.FAULT) {
            return Optional.of(new LightKeeper.Light(LightColour.AMBER, LightPattern.TRIPLE_FLASH));
        }
        Instant now = clock.wall();
        TestSchedule.NextTest next = schedule.nextTest(now);
        if (next instanceof TestSchedule.NextTest.Now due) {
            boolean late = due.reason() instanceof TestReason.Scheduled s && s.late();
            return Optional.of(new LightKeeper.Light(late ? LightColour.AMBER : LightColour.BLUE, LightPattern.SLOW_BLINK));
        }
        Optional<LightKeeper.Light> help = support.standing();
        if (help.isPresent()) {
            return help;
        }
        if (schedule.retestPending(now)) {
            return Optional.of(new LightKeeper.Light(LightColour.AMBER, LightPattern.LONG_BLINK));
        }
        return Optional.of(new LightKeeper.Light(LightColour.WHITE, LightPattern.HEARTBEAT));
    }

    /**
     * Puts a configuration from the receiver to use: schedule, threshold, language, heartbeat interval, and, when it
     * says them, whether results are spoken and the recordings' language (else the local settings stay).
     */
    private void use(ConfigUpdate u) {
        schedule.useSchedule(u.schedule());
        tests.useThreshold(u.threshold());
        prompter.setLanguage(u.language());
        if (u.speakResults() != null) {
            prompter.setSpeakResults(u.speakResults());
        }
        if (u.audioLanguage() != null) {
            prompter.setAudioLanguage(u.audioLanguage());
        }
        statusInterval = Duration.ofSeconds(u.statusIntervalSeconds());
    }

    private void configReceived(ConfigUpdate update, SignedMessage signed) {
        if (configs.offer(update, signed)) {
            scheduleHeartbeats();
            publisher.publishStatus(status.heartbeat(true));
            LOG.info("Configuration version {} from the receiver is in use", update.version());
        }
    }

    private void scheduleHeartbeats() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        long ms = statusInterval.toMillis();
        heartbeats = agentThread.scheduleAtFixedRate(guarded(() -> publisher.publishStatus(status.heartbeat(true))), ms, ms,
                TimeUnit.MILLISECONDS);
    }

    // The publisher is built after the parts that report through it.
    private void wakePublisher() {
        publisher.wakeUp();
    }

    private PublisherStats publisherStats() {
        return publisher.stats();
    }

    private void publishStatus(DeviceStatus heartbeat) {
        publisher.publishStatus(heartbeat);
    }

    /** The publisher's thread tells of configurations, support replies and refusals; they are handled on the agent thread. */
    private final class Downlink implements DownlinkListener {
        @Override
        public void configReceived(ConfigUpdate config, SignedMessage signed) {
            if (!closed) {
                onAgentThread(() -> DeviceAgent.this.configReceived(config, signed));
            }
        }

        @Override
        public void testRequested(org.breathgate.protocol.TestRequest request) {
            if (!closed) {
                onAgentThread(() -> schedule.testRequested(request, clock.wall()));
            }
        }

        @Override
        public void configRejected(String detail) {
            LOG.warn("A configuration message failed verification and was not used: {}", detail);
            if (!closed) {
                onAgentThread(() -> configs.rejected(detail));
            }
        }

        @Override
        public void supportReplyReceived(SupportReply reply) {
            if (!closed) {
                onAgentThread(() -> support.replyReceived(reply));
            }
        }

        @Override
        public void quarantined(long seq) {
            if (!closed) {
                onAgentThread(() -> support.refused(seq));
            }
        }
    }
}
