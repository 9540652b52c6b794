package org.breathgate.agent.status;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.breathgate.agent.breathtest.SensorLink;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.outbox.Outbox;
import org.breathgate.agent.outbox.OutboxStats;
import org.breathgate.agent.prompt.Prompt;
import org.breathgate.agent.prompt.Prompter;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.agent.publish.PublisherStats;
import org.breathgate.hardware.SensorInfo;
import org.breathgate.protocol.DeviceStatus;
import org.breathgate.protocol.SensorState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent says about itself: the signed status heartbeat's content and its warnings, the
 * status file for {@code breathgate-agent status}, and the warning (log, prompt, heartbeat) when
 * the outbox nears its budget.
 *
 * <p>{@link #heartbeat} and {@link #warnings} may be called from any thread; {@link #writeFile}
 * and {@link #checkStorage} on the agent thread.
 */
public final class StatusReporter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final long DISK_LOW_BYTES = 50L * 1024 * 1024;
    /** The status file is rewritten at least this often even when nothing changed, so {@code status} sees the agent alive. */
    private static final Duration STATUS_FILE_AT_LEAST = Duration.ofSeconds(60);

    private final AgentConfig config;
    private final String version;
    private final ClockSource clock;
    private final long startedMono;
    private final Outbox outbox;
    private final SensorLink sensor;
    private final Voice voice;
    private final Prompter prompter;
    private final BooleanSupplier cameraFault;
    private final LongSupplier configVersion;
    private final Supplier<PublisherStats> publisher;
    private final Consumer<DeviceStatus> publish;
    // Agent thread only.
    private boolean storageWarned;
    private boolean fileFailed;
    private StatusSnapshot lastWritten;
    private Instant writtenAt;

    /**
     * @param version       the agent's version
     * @param cameraFault   whether the last photo attempt failed because of the camera
     * @param configVersion the receiver configuration in use (0: the local file's)
     * @param publisher     the publisher's counters
     * @param publish       sends a heartbeat now (when connected)
     */
    public StatusReporter(AgentConfig config, String version, ClockSource clock, Outbox outbox, SensorLink sensor, Voice voice,
                          Prompter prompter, BooleanSupplier cameraFault, LongSupplier configVersion,
                          Supplier<PublisherStats> publisher, Consumer<DeviceStatus> publish) {
        this.config = Objects.requireNonNull(config, "config");
        this.version = Objects.requireNonNull(version, "version");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.startedMono = clock.monotonicMs();
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
        this.voice = Objects.requireNonNull(voice, "voice");
        this.prompter = Objects.requireNonNull(prompter, "prompter");
        this.cameraFault = Objects.requireNonNull(cameraFault, "cameraFault");
        this.configVersion = Objects.requireNonNull(configVersion, "configVersion");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.publish = Objects.requireNonNull(publish, "publish");
    }

    /** A status heartbeat as of now; {@code online} is false for the MQTT last will and the goodbye. */
    public DeviceStatus heartbeat(boolean online) {
        OutboxStats s = outbox.stats();
        SensorInfo info = sensor.info();
        long uptime = Math.max(0, (clock.monotonicMs() - startedMono) / 1000);
        var facts = clock.facts();
        return new DeviceStatus(config.deviceId(), facts, online, uptime, s.lastSeq(), s.depth(), s.bytes(),
                s.budgetBytes(), diskFree(), sensor.state(), info == null ? null : info.calibrationDue().orElse(null), version,
                configVersion.getAsLong(), warnings(), outbox.oldestWaitSeconds(facts.wall().toEpochMilli()));
    }

    /** The warnings the next heartbeat carries (docs/agent.md, "Status heartbeat"). */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        OutboxStats s = outbox.stats();
        if (s.nearlyFull()) {
            w.add("outbox_over_80_percent");
        }
        if (s.deadLetters() > 0) {
            w.add("quarantined_events");
        }
        if (outbox.awaitingSignatureCount() > 0) {
            // The device key (a TPM) could not sign: shown in the status file at once; a heartbeat carries it once the
            // key signs again and events still wait (a large backlog is signed in batches).
            w.add("events_awaiting_signature");
        }
        if (!clock.synced()) {
            w.add("clock_unsynchronised");
        }
        if (diskFree() < DISK_LOW_BYTES) {
            w.add("disk_low");
        }
        SensorState state = sensor.state();
        if (state != SensorState.READY) {
            w.add("sensor_" + state.wireName());
        }
        SensorInfo info = sensor.info();
        if (info != null && info.calibrationOverdue(LocalDate.ofInstant(clock.wall(), ZoneOffset.UTC))) {
            w.add("calibration_overdue");
        }
        if (config.voice() && !voice.audible()) {
            w.add("voice_unavailable");
        }
        if (cameraFault.getAsBoolean()) {
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

    /**
     * Writes the status file when something in it changed, or a minute has passed: the file lives on
     * the SD card, which should not take a write every few seconds for months. Agent thread.
     *
     * @param running false for the last write, as the agent stops
     */
    public void writeFile(boolean running) {
        try {
            PublisherStats p = publisher.get();
            SensorInfo info = sensor.info();
            Instant now = clock.wall();
            StatusSnapshot s = new StatusSnapshot(now, ProcessHandle.current().pid(), running,
                    config.deviceId(), version, config.mqtt().brokerUri().toString(), p.connected(), p.connects(),
                    Optional.ofNullable(p.lastAck()), p.inFlight(), sensor.state().wireName(),
                    Optional.ofNullable(info).map(SensorInfo::model), Optional.ofNullable(info).map(SensorInfo::serialNumber),
                    Optional.ofNullable(info).flatMap(SensorInfo::calibrationDue), clock.synced(), configVersion.getAsLong(),
                    warnings());
            StatusSnapshot comparable = new StatusSnapshot(Instant.EPOCH, s.pid(), s.running(), s.deviceId(), s.version(), s.brokerUri(),
                    s.connected(), s.connects(), s.lastAck(), s.inFlight(), s.sensorState(), s.sensorModel(), s.sensorSerial(),
                    s.calibrationDue(), s.clockSynced(), s.configVersion(), s.warnings());
            if (comparable.equals(lastWritten) && writtenAt != null
                    && Duration.between(writtenAt, now).abs().compareTo(STATUS_FILE_AT_LEAST) < 0) {
                return;
            }
            StatusFile.write(config.statusFile(), s);
            lastWritten = comparable;
            writtenAt = now;
            fileFailed = false;
        } catch (IOException | RuntimeException e) {
            if (!fileFailed) {
                fileFailed = true;
                LOG.warn("Cannot write the status file {} ({}); 'breathgate-agent status' will show old figures", config.statusFile(),
                        e.toString());
            }
        }
    }

    /**
     * At 80 % of the outbox's budget, says so once, loudly (log, the parent's prompt, a heartbeat);
     * again after it has fallen under 75 %. Nothing is dropped either way. Agent thread.
     */
    public void checkStorage() {
        OutboxStats s = outbox.stats();
        if (s.nearlyFull() && !storageWarned) {
            storageWarned = true;
            LOG.error("Outbox {} is at {}% of its {} byte budget ({} events waiting). Nothing is dropped, but the device"
                    + " needs a connection to the receiver.", outbox.file(), Math.round(s.budgetUsed() * 100), s.budgetBytes(), s.depth());
            prompter.show(Prompt.STORAGE_LOW);
            publish.accept(heartbeat(true));
        } else if (storageWarned && s.budgetUsed() < 0.75) {
            storageWarned = false;
            LOG.info("Outbox back under 75% of its budget");
        }
    }
}
