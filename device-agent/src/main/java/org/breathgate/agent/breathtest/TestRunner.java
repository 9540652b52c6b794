package org.breathgate.agent.breathtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.evidence.EvidenceRecorder.EventFactory;
import org.breathgate.agent.outbox.OutboxException;
import org.breathgate.agent.photo.PhotoKeeper;
import org.breathgate.agent.photo.PhotoTaker;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.schedule.ScheduleCommand;
import org.breathgate.agent.schedule.ScheduleKeeper;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.protocol.BreathAlcohol;
import org.breathgate.protocol.Outcome;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TamperEvent;
import org.breathgate.protocol.TamperKind;
import org.breathgate.protocol.TestReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A breath test from the start button to the recorded reading and what the parent is told: one at
 * a time; the schedule says why it happens; the blow runs on the test thread with its prompts and
 * the photo at the moment of the blow; the reading (signing its photo's hash, or why there is
 * none), its tamper signals, its photo and the schedule's reaction are stored in one transaction
 * on the agent thread; then the result is prompted.
 */
public final class TestRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TestRunner.class);
    /** The longest the test thread waits for its reading to be stored. */
    private static final long STORE_WAIT_SECONDS = 30;

    private final AgentConfig.Sensor config;
    private final ClockSource clock;
    private final SensorLink sensor;
    private final PhotoTaker camera;
    private final PhotoKeeper photos;
    private final ScheduleKeeper schedule;
    private final EvidenceRecorder recorder;
    private final Prompter prompter;
    private final Executor agentThread;
    private final Executor testThread;
    private final BooleanSupplier stopping;
    private volatile ResultMapper mapper;
    // Agent thread only.
    private boolean running;

    /**
     * @param config      the sensor's waits and plausibility limit
     * @param threshold   at or above it a result is a positive, until the receiver says otherwise
     * @param agentThread runs recording on the agent thread
     * @param testThread  runs the blow
     * @param stopping    true once the agent is stopping
     */
    public TestRunner(AgentConfig.Sensor config, BreathAlcohol threshold, ClockSource clock, SensorLink sensor, PhotoTaker camera,
                      PhotoKeeper photos, ScheduleKeeper schedule, EvidenceRecorder recorder, Prompter prompter,
                      Executor agentThread, Executor testThread, BooleanSupplier stopping) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.camera = Objects.requireNonNull(camera, "camera");
        this.photos = Objects.requireNonNull(photos, "photos");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.agentThread = Objects.requireNonNull(agentThread, "agentThread");
        this.testThread = Objects.requireNonNull(testThread, "testThread");
        this.stopping = Objects.requireNonNull(stopping, "stopping");
        useThreshold(threshold);
    }

    /** From now on, results at or above {@code threshold} are positives. Any thread. */
    public void useThreshold(BreathAlcohol threshold) {
        mapper = new ResultMapper(threshold, config.implausibleAbove());
    }

    /** The parent pressed "start test": runs a test unless one is running. Agent thread. */
    public void startPressed() {
        if (running) {
            LOG.info("Start pressed while a test is running; ignored");
            return;
        }
        TestReason reason = schedule.startRequested(clock.wall());
        running = true;
        testThread.execute(() -> run(reason));
    }

    /** Whether a test is running: the schedule waits, so a window does not close under it. Agent thread. */
    public boolean running() {
        return running;
    }

    private void run(TestReason reason) {
        try {
            prompter.show(Prompt.ABSTAIN, schedule.abstainMin());
            if (sensor.info() == null) {
                sensor.open();
            }
            SensorInfo info = sensor.info();
            if (info == null) {
                agentThread.execute(() -> {
                    recorder.recordTamper(TamperKind.SENSOR_DISCONNECTED, "a test was asked for (" + describe(reason)
                            + ") but the breathalyser is not connected");
                    prompter.show(Prompt.SENSOR_PROBLEM);
                });
                return;
            }
            ResultMapper m = mapper;
            PhotoTaker.Pending[] photo = new PhotoTaker.Pending[1];
            TestEvent.Terminal end = sensor.measure(config.warmUpTimeout(), config.testTimeout(), event -> {
                if (event instanceof TestEvent.WaitingForBlow) {
                    prompter.show(camera.enabled() ? Prompt.BLOW_NOW_CAMERA : Prompt.BLOW_NOW);
                } else if (event instanceof TestEvent.BlowDetected && camera.enabled() && photo[0] == null) {
                    // The moment of the blow: light and voice say a photo is being taken; the camera runs on its own thread.
                    prompter.show(Prompt.LOOK_AT_CAMERA);
                    photo[0] = camera.start();
                }
            });
            TestEnding ending = m.map(end, info);
            PhotoTaker.Shot shot;
            if (photo[0] != null) {
                shot = photo[0].await();
            } else if (camera.enabled() && ending.valid()) {
                // A driver without flow detection never says "blow detected": photograph at the result.
                prompter.show(Prompt.LOOK_AT_CAMERA);
                shot = camera.start().await();
            } else {
                shot = camera.noBlow();
            }
            sensor.attemptEnded(ending.tampers().stream().anyMatch(t -> t.kind() == TamperKind.SENSOR_DISCONNECTED));
            CompletableFuture<Void> stored = new CompletableFuture<>();
            agentThread.execute(() -> {
                try {
                    record(reason, ending, shot);
                    stored.complete(null);
                } catch (RuntimeException e) {
                    stored.completeExceptionally(e);
                }
            });
            stored.get(STORE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.error("A breath test could not be completed and recorded", e);
        } finally {
            if (!stopping.getAsBoolean()) {
                agentThread.execute(() -> running = false);
            }
        }
    }

    /**
     * Records a finished attempt with the schedule's reaction, and its photo (the reading signs the
     * photo's hash, or says why there is none), in one transaction; then prompts. Agent thread.
     */
    private void record(TestReason reason, TestEnding ending, PhotoTaker.Shot shot) {
        Instant now = clock.wall();
        List<ScheduleCommand> follow = new ArrayList<>();
        List<EventFactory> events = new ArrayList<>();
        PhotoKeeper.Kept photo = photos.decide(shot);
        String deviceId = recorder.deviceId();
        events.add((seq, facts) -> {
            Reading r = ending.toReading(deviceId, seq, facts, reason).withPhoto(photo.statement());
            follow.addAll(schedule.readingRecorded(seq, reason, ending.outcome(), now));
            return r;
        });
        for (TestEnding.Tamper t : ending.tampers()) {
            events.add((seq, facts) -> new TamperEvent(deviceId, seq, facts, t.kind(), t.detail()));
        }
        try {
            schedule.record(events, photo.jpeg() == null ? -1 : 0, photo.jpeg());
        } catch (OutboxException e) {
            LOG.error("A test result could not be stored", e);
            prompter.show(Prompt.STORAGE_LOW);
            return;
        }
        schedule.recordMissed(follow);
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

    private static String describe(TestReason reason) {
        if (reason instanceof TestReason.Scheduled s) {
            return "scheduled for " + s.slot() + (s.late() ? ", late" : "");
        }
        if (reason instanceof TestReason.Retest r) {
            return "retest " + r.attempt() + " of reading " + r.of();
        }
        return "on demand";
    }
}
