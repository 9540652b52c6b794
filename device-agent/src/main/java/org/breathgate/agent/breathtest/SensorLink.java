package org.breathgate.agent.breathtest;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.breathgate.agent.evidence.EvidenceRecorder;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.hardware.BlowAbortReason;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.DeviceTimeoutException;
import org.breathgate.hardware.HardwareException;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.hardware.TestEvent;
import org.breathgate.protocol.SensorState;
import org.breathgate.protocol.TamperKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The breathalyser as the agent holds it: opened and self-tested on the test thread, and tried
 * again every 30 s while that fails; its state for status heartbeats; one tamper event and prompt
 * per change into a problem state (not one per retry); and one blow attempt at a time, waiting for
 * a cold sensor to warm up first.
 *
 * <p>{@link #open} and {@link #measure} run on the test thread (the driver's calls block); problems
 * are recorded on the agent thread; {@link #state} and {@link #info} may be read from any thread.
 */
public final class SensorLink {

    private static final Logger LOG = LoggerFactory.getLogger(SensorLink.class);
    private static final Duration RETRY = Duration.ofSeconds(30);
    /** How long the sensor gets to say it is ready before the parent is told it is warming up. */
    private static final Duration READY_AT_ONCE = Duration.ofSeconds(1);

    private final Breathalyser breathalyser;
    private final EvidenceRecorder recorder;
    private final Prompter prompter;
    private final Executor agentThread;
    private final ScheduledExecutorService testThread;
    private final BooleanSupplier stopping;
    private volatile SensorState state = SensorState.UNKNOWN;
    private volatile SensorInfo info;
    // Agent thread only: the problem state already reported as a tamper event.
    private SensorState reportedProblem;

    /**
     * @param agentThread runs problem reports on the agent thread
     * @param testThread  the thread the driver is called on; retries are scheduled there
     * @param stopping    true once the agent is stopping: nothing is opened or retried then
     */
    public SensorLink(Breathalyser breathalyser, EvidenceRecorder recorder, Prompter prompter, Executor agentThread,
                      ScheduledExecutorService testThread, BooleanSupplier stopping) {
        this.breathalyser = Objects.requireNonNull(breathalyser, "breathalyser");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.agentThread = Objects.requireNonNull(agentThread, "agentThread");
        this.testThread = Objects.requireNonNull(testThread, "testThread");
        this.stopping = Objects.requireNonNull(stopping, "stopping");
    }

    /** Opens and self-tests the breathalyser unless it is open already; on failure reports it and tries again later. Test thread. */
    public void open() {
        if (stopping.getAsBoolean() || info != null) {
            return;
        }
        try {
            breathalyser.open(Duration.ofSeconds(10));
            breathalyser.selfTest(Duration.ofSeconds(10));
            info = breathalyser.sensorInfo();
            state = SensorState.READY;
            LOG.info("Breathalyser {} {} ready", info.model(), info.serialNumber());
        } catch (HardwareException e) {
            SensorState problem = e instanceof DeviceDisconnectedException || e instanceof DeviceTimeoutException
                    ? SensorState.DISCONNECTED : SensorState.FAULT;
            state = problem;
            LOG.warn("Breathalyser not usable ({}); trying again in {} s", e.getMessage(), RETRY.toSeconds());
            agentThread.execute(() -> problem(problem, e.getMessage()));
            if (!stopping.getAsBoolean()) {
                testThread.schedule(this::open, RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Opening the breathalyser failed", e);
        }
    }

    /** Records a tamper event once per change into a problem state, not once per retry. Agent thread. */
    private void problem(SensorState problem, String detail) {
        if (problem == reportedProblem) {
            return;
        }
        reportedProblem = problem;
        recorder.recordTamper(problem == SensorState.DISCONNECTED ? TamperKind.SENSOR_DISCONNECTED : TamperKind.SENSOR_FAULT,
                "breathalyser " + problem.wireName() + ": " + detail);
        prompter.show(Prompt.SENSOR_PROBLEM);
    }

    /**
     * One blow attempt (test thread). A sensor that is not ready at once is given up to
     * {@code warmUpTimeout} (the parent is told it is warming up); one still cold then ends the
     * attempt as {@code BlowAborted(SENSOR_NOT_WARM)}, and a driver fault meanwhile as an
     * {@code Error}, so every ending comes back as a terminal event.
     *
     * @param progress told of the driver's progress on this thread (for the blow prompts and the photo)
     */
    public TestEvent.Terminal measure(Duration warmUpTimeout, Duration testTimeout, Consumer<? super TestEvent> progress)
            throws InterruptedException {
        try {
            breathalyser.awaitReady(READY_AT_ONCE);
        } catch (DeviceTimeoutException e) {
            state = SensorState.WARMING_UP;
            prompter.show(Prompt.WARMING_UP);
            try {
                breathalyser.awaitReady(warmUpTimeout);
            } catch (DeviceTimeoutException still) {
                return new TestEvent.BlowAborted(BlowAbortReason.SENSOR_NOT_WARM);
            } catch (HardwareException other) {
                return new TestEvent.Error(other);
            }
        } catch (HardwareException e) {
            return new TestEvent.Error(e);
        }
        return breathalyser.runTest(testTimeout, progress);
    }

    /** After an attempt: the sensor is disconnected if the attempt said so, else ready. */
    public void attemptEnded(boolean disconnected) {
        state = disconnected ? SensorState.DISCONNECTED : SensorState.READY;
    }

    /** The breathalyser's state, for status. */
    public SensorState state() {
        return state;
    }

    /** The breathalyser's identity once it has been opened, else null. */
    public SensorInfo info() {
        return info;
    }

    /** Closes the breathalyser: a running attempt ends promptly. */
    public void close() {
        breathalyser.close();
    }
}
